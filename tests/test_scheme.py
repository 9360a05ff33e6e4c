from __future__ import annotations

import pytest

from annotator.domain.errors import SchemeError
from annotator.domain.scheme import load_scheme, parse_scheme
from annotator.resources import default_scheme_path


def test_default_scheme_has_the_documented_labels():
    s = load_scheme(default_scheme_path())
    assert s.stance_labels == ["supports", "disputes", "neutral", "unclear"]
    assert s.source_type_labels == ["person", "organisation", "government/official", "media", "anonymous", "unknown"]
    assert [e.key for e in s.entities] == [str(i) for i in range(1, 10)]
    assert s.map_label("WORK_OF_ART") == "MISC"
    assert s.map_label("CARDINAL") is None
    assert s.map_label("PERSON") == "PERSON"


@pytest.mark.parametrize(
    "toml, needle",
    [
        ("[[entity]\n", "not valid TOML"),
        ('[[stance]]\nlabel="a"\n[[source_type]]\nlabel="b"\n', "no entity labels"),
        ('[[entity]]\nlabel="A"\ncolour="red"\n', "use #RRGGBB"),
        ('[[entity]]\nlabel="A"\nkey="1"\n[[entity]]\nlabel="B"\nkey="1"\n', "key '1' is used by 'A' and 'B'"),
        ('[[entity]]\nlabel="A"\n[[entity]]\nlabel="A"\n', "defined twice"),
        ('[[entity]]\nlabel="A"\n[[source_type]]\nlabel="b"\n', "no stance labels"),
    ],
)
def test_bad_schemes_are_refused_with_the_file_and_reason(toml, needle):
    with pytest.raises(SchemeError) as err:
        parse_scheme(toml, "my.toml")
    assert "my.toml" in err.value.message and needle in err.value.message
