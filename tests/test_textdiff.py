"""Word-level differences."""
from policybuilder.textdiff import word_diff


def test_word_diff_marks_changed_words_and_rebuilds_both_texts():
    a, b = "Meld het aan de teamcoach.", "Meld het snel aan de directie."
    ops = word_diff(a, b)
    assert [t.strip() for op, t in ops if op == "insert"] == ["snel", "directie."]
    assert [t.strip() for op, t in ops if op == "delete"] == ["teamcoach."]
    assert "".join(t for op, t in ops if op != "insert") == a
    assert "".join(t for op, t in ops if op != "delete") == b
    assert word_diff(a, a) == [("equal", a)]
