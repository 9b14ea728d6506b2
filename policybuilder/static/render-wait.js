// "Je document wordt gemaakt": ask the download's status every second; once ready, fetch the file.
// Without JavaScript the page's "Opnieuw proberen" link asks again by hand.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("render-wait");
  if (!box) return;
  box.querySelector(".render-wait-auto").hidden = false;
  const show = (state) => {
    for (const name of ["pending", "ready", "failed"]) {
      box.querySelector(`.render-wait-${name}`).hidden = name !== state;
    }
  };
  const check = async () => {
    let state = "pending";
    try {
      const answer = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, cache: "no-store" });
      state = (await answer.json()).status;
    } catch (error) {
      state = "pending"; // a network hiccup: try again
    }
    if (state === "ready") {
      show("ready");
      window.location.assign(box.dataset.fileUrl);
    } else if (state === "failed") {
      show("failed");
    } else {
      window.setTimeout(check, 1000);
    }
  };
  window.setTimeout(check, 1000);
});
