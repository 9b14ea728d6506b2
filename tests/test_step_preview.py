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
