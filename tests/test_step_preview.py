"""The live preview beside a wizard step: made once per saved revision, always showing the current text."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from policybuilder.wizard import preview

from .forms import read_form


def test_the_saved_preview_is_made_once_per_revision_and_follows_each_save(client, make_protocol, monkeypatch):
    protocol_id = make_protocol(answers={"learning": {"training": "Jaarlijkse vorming voor alle teams."}})
    url = f"/protocols/{protocol_id}/steps/learning"
    made = []
    original = preview.step_preview
    monkeypatch.setattr(preview, "step_preview", lambda *args: made.append(args) or original(*args))
    first = client.get(f"{url}/preview").get_data(as_text=True)
    assert client.get(f"{url}/preview").get_data(as_text=True) == first and len(made) == 1  # kept for this revision
    assert "Jaarlijkse vorming voor alle teams." in first and 'id="ch-learning"' in first

    fields = [(k, v) for k, v in read_form(client.get(url).get_data(as_text=True)) if k != "training"]
    saved = client.post(url, data=MultiDict([*fields, ("training", "Vorming in september."), ("nav", "stay")]))
    assert saved.status_code == 302
    second = client.get(f"{url}/preview").get_data(as_text=True)
    assert len(made) == 2 and "Vorming in september." in second and "Jaarlijkse vorming" not in second


def test_typed_text_shows_at_once_in_the_sections_chosen_for_the_step(client, make_protocol):
    protocol_id = make_protocol()
    url = f"/protocols/{protocol_id}/steps/learning"
    fields = [(k, v) for k, v in read_form(client.get(url).get_data(as_text=True)) if k != "training"]
    for typed in ("Eerste versie van de vorming.", "Tweede versie van de vorming."):
        html = client.post(f"{url}/preview", data=MultiDict([*fields, ("training", typed)])).get_data(as_text=True)
        assert typed in html and 'id="ch-learning"' in html and 'id="ch-contacts"' not in html


def test_a_steps_preview_follows_a_save_on_another_step_that_changes_its_wording(client, make_protocol):
    protocol_id = make_protocol()
    preview = f"/protocols/{protocol_id}/steps/monitoring/preview"
    assert "De directie keurt het protocol" in client.get(preview).get_data(as_text=True)
    profile = f"/protocols/{protocol_id}/steps/profile"
    fields = [(k, v) for k, v in read_form(client.get(profile).get_data(as_text=True)) if k != "management"]
    saved = client.post(profile, data=MultiDict([*fields, ("management", "de raad van bestuur"), ("nav", "stay")]))
    assert saved.status_code == 302
    html = client.get(preview).get_data(as_text=True)  # the monitoring chapter is built again, the others come from before
    assert "De raad van bestuur keurt het protocol" in html and "De directie keurt" not in html
