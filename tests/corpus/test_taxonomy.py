"""The taxonomy data file matches the contract and refuses broken variants."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus.errors import DataError
from corpus.taxonomy import TAXONOMY_FILE, load_taxonomy, parse_taxonomy


def test_counts_match_the_contract():
    taxonomy = load_taxonomy()
    assert (len(taxonomy.matter_types), len(taxonomy.departments), len(taxonomy.tiers)) == (50, 24, 3)


def test_every_matter_type_has_chinese_name_and_known_department():
    taxonomy = load_taxonomy()
    for matter in taxonomy.matter_types.values():
        assert re.search(r"[\u4e00-\u9fff]", matter.name), matter.code
        assert matter.department in taxonomy.departments
        assert matter.covers


def _spec_codes(text: str, heading: str) -> list[str]:
    part = text.split(heading, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z_]+)`", part, flags=re.M)


def test_codes_are_exactly_the_specs(shared_dir: Path):
    spec = (shared_dir / "spec" / "taxonomy.md").read_text(encoding="utf-8")
    taxonomy = load_taxonomy()
    assert list(taxonomy.tiers) == _spec_codes(spec, "## Urgency tiers")
    assert list(taxonomy.departments) == _spec_codes(spec, "## Canonical departments")
    assert list(taxonomy.matter_types) == _spec_codes(spec, "## Matter types")
    rows = re.findall(r"^\| `([a-z_]+)` \| (\S+) \| (\w+) \| (\w+) \|", spec, flags=re.M)
    for code, _name, department, tier in rows:
        assert taxonomy.matter(code).department == department
        assert taxonomy.matter(code).typical_tier == tier


@pytest.mark.parametrize("edit, message", [
    (("  - code: gas\n", "  - code: water_supply\n"), 'duplicate code "water_supply"'),
    (("    department: gas_utility\n", "    department: gas_utilty\n"), 'unknown department "gas_utilty"'),
    (("    typical_tier: emergency\n", "    typical_tier: emergent\n"), "typical_tier"),
])
def test_broken_taxonomy_names_file_and_line(tmp_path: Path, edit, message):
    broken = tmp_path / "taxonomy.yaml"
    broken.write_text(TAXONOMY_FILE.read_text(encoding="utf-8").replace(*edit, 1), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        parse_taxonomy(broken)
    text = str(caught.value)
    assert message in text
    assert re.search(rf"{re.escape(str(broken))}:\d+:", text)
