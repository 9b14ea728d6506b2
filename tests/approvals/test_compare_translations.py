"""The approver sees every change to the drafter's translations: they are content, signed with the rest."""
from __future__ import annotations

from policybuilder.approvals.compare import compare
from policybuilder.schema_store import get_schema

from ..forms import submission

TRANSLATION = "Une formation annuelle pour toutes les équipes."


def test_a_changed_translation_is_shown_to_the_approver(client, submitted, decide, submit):
    decide(submitted, 1)
    submit(f"/protocols/{submitted}/translations", {"tr-learning-training": TRANSLATION}, nav=None)
    client.post(f"/protocols/{submitted}/submit", data=submission(client, submitted))
    page = client.get(f"/protocols/{submitted}/compare?from=1&to=2").get_data(as_text=True)
    assert "Geen inhoudelijke wijzigingen." not in page
    assert "Vertaling (Français) van Vorming en intervisie" in page
    assert "<ins>Une formation annuelle pour toutes les équipes.</ins>" in page
    version = client.get(f"/protocols/{submitted}/versions/2").get_data(as_text=True)
    assert "Vertaling (Français) van Vorming en intervisie" in version and "<ins>Une formation annuelle" in version


def test_translations_of_group_rows_are_named_to_the_row(app):
    rows = [{"role": "Teamcoach", "name": "Els"}, {"role": "Onthaal", "name": "Jan"}]
    before = {"contacts": {"internal_contacts": rows}, "_translations": {"fr": {"contacts.internal_contacts.1.role": "Accueil"}}}
    after = {**before, "_translations": {"fr": {"contacts.internal_contacts.1.role": "Accueil et secrétariat"}}}
    with app.app_context():
        [(element, [change])] = compare(get_schema(), before, after)
        assert compare(get_schema(), before, before) == []
    assert element.key == "contacts" and change.language == "fr" and change.row == 1 and change.field.id == "role"
    assert (change.before, change.after) == ("Accueil", "Accueil et secrétariat")
    assert any(op == "insert" and "secrétariat" in piece for op, piece in change.diff)
