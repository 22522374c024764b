"""Jurisdiction profiles: complete, faithful to the seed regulations, and strict on bad files."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus.jurisdiction import PROFILE_DIR, bundled_profile_codes, load_profile, validate_profile
from corpus.taxonomy import load_taxonomy

PROFILES = ("default", "huangchuan", "yongjia", "liangzhou", "chengkou", "ziyang")
SEED_OF = {"huangchuan": "000", "yongjia": "001", "liangzhou": "002", "chengkou": "003", "ziyang": "004"}


def test_the_six_profiles_are_bundled():
    assert set(PROFILES) <= set(bundled_profile_codes())


@pytest.mark.parametrize("code", PROFILES)
def test_profile_maps_every_matter_type_to_a_known_department(code):
    profile = load_profile(code)
    taxonomy = load_taxonomy()
    assert set(profile.routes) == set(taxonomy.matter_types)
    for route in profile.routes.values():
        assert route.department in taxonomy.departments
        assert route.unit


@pytest.mark.parametrize("profile, matter, unit", [
    ("huangchuan", "price", "县市场监管局"),
    ("yongjia", "price", "县发改局"),
    ("liangzhou", "price", "区物价局"),
    ("liangzhou", "tobacco", "区商务局"),
    ("huangchuan", "tobacco", "县烟草专卖局"),
    ("ziyang", "living_noise", "市城市行政执法局"),
    ("ziyang", "construction_noise", "市城市行政执法局"),
    ("huangchuan", "water_supply", "县城市管理局"),
    ("yongjia", "water_supply", "县水务集团"),
    ("liangzhou", "water_supply", "区建设局"),
    ("chengkou", "water_supply", "县惠民公司"),
    ("huangchuan", "special_equipment", "县市场监管局"),
    ("yongjia", "special_equipment", "县质监局"),
    ("liangzhou", "special_equipment", "区质监局"),
    # further routes verified against the seeds
    ("yongjia", "property_housing", "县房管局"),
    ("liangzhou", "trees_greenery", "区市政局"),
    ("liangzhou", "taxi_bus", "区运管局"),
    ("liangzhou", "animal_epidemic", "区畜牧兽医局"),
    ("chengkou", "construction_noise", "县环保局"),
    ("chengkou", "postal", "万州邮管一分局"),
    ("chengkou", "property_housing", "县国土房管局"),
    ("huangchuan", "forestry", "县林茶局"),
    ("huangchuan", "cable_tv", "县广电服务中心"),
    ("huangchuan", "gas", "县城市管理局"),
    ("huangchuan", "salt", "县盐业局"),
    ("ziyang", "consumer_rights", "市工商局"),
    ("ziyang", "product_quality", "市质监局"),
    ("yongjia", "gas", "燃气公司"),
])
def test_routes_from_the_seeds(profile, matter, unit):
    route = load_profile(profile).route(matter)
    assert route.unit == unit
    assert route.named_in_document


@pytest.mark.parametrize("profile, matter", [
    ("yongjia", "school_issue"), ("ziyang", "forestry"), ("huangchuan", "postal"), ("default", "gas"),
])
def test_matters_the_document_does_not_name_are_marked_assumed(profile, matter):
    assert load_profile(profile).route(matter).named_in_document is False


@pytest.mark.parametrize("profile, unit, duty", [
    ("huangchuan", "县民政局", "24h"),     # 潢川 第十二条 lists 民政 among 24-hour units
    ("liangzhou", "区民政局", "phone"),     # 凉州 第十二条 lists 民政 among phone-duty units
    ("huangchuan", "县市场监管局", "phone"),
    ("liangzhou", "区供电公司", "24h"),
    ("huangchuan", "县教体局", None),
])
def test_duty_follows_article_twelve(profile, unit, duty):
    assert load_profile(profile).units[unit].duty == duty


def test_limits_and_arbiters():
    chengkou = load_profile("chengkou")
    assert chengkou.disputed_jurisdiction.unit == "县政府应急办公室"
    assert (chengkou.limits.closing_working_days, chengkou.limits.closing_special_working_days) == (2, 5)
    assert (chengkou.limits.major_event_phone_minutes, chengkou.limits.major_event_written_minutes) == (30, 60)
    assert load_profile("ziyang").limits.handover_minutes == 3
    assert load_profile("yongjia").follow_up is not None and "三满意" in load_profile("yongjia").follow_up.method


@pytest.mark.parametrize("code", SEED_OF)
def test_named_units_and_clauses_appear_in_the_seed(code, shared_dir: Path):
    """Every unit said to be named in the document really is, and every cited article exists."""
    seed = next((shared_dir / "seeds").glob(f"{SEED_OF[code]}_*.txt")).read_text(encoding="utf-8")
    compact = re.sub(r"\s+", "", seed)
    profile = load_profile(code)
    for name, unit in profile.units.items():
        if unit.in_document:
            core = name.split("（")[0]
            assert core in compact or core.lstrip("县区市") in compact, f"{name} not in seed {code}"
    for route in profile.routes.values():
        if route.clause and route.clause.startswith("第"):
            article = route.clause.split("（")[0]
            assert article in compact, f"{route.clause} not in seed {code}"


@pytest.mark.parametrize("edit, fragment", [
    (("  gas: {unit: 县城市管理局", "  gass: {unit: 县城市管理局"), 'unknown matter type "gass" (did you mean "gas"?)'),
    (("  salt: {unit: 县盐业局, clause: 第七条（二十二）1}\n", ""), "1 matter type(s) missing: salt"),
    (("{department: salt, clause", "{department: salty, clause"), 'unknown department code "salty"'),
    (("  price: {unit: 县市场监管局", "  price: {unit: 县市场监督局"), 'names unit "县市场监督局"'),
    (("code: huangchuan\n", "code: huangchuan\n  name: [oops\n"), "broken YAML syntax"),
    (("  handover_minutes: 3\n", "  handover_minutes: three\n"), 'field "limits.handover_minutes"'),
])
def test_malformed_profile_gets_a_located_message_and_exit_2(tmp_path: Path, cli, edit, fragment):
    source = (PROFILE_DIR / "huangchuan.yaml").read_text(encoding="utf-8")
    assert edit[0] in source
    broken = tmp_path / "county.yaml"
    broken.write_text(source.replace(*edit, 1), encoding="utf-8")
    result = cli("profiles", "validate", str(broken))
    assert result.exit_code == 2
    assert fragment in result.output
    assert re.search(rf"{re.escape(str(broken))}:\d+:", result.output)
    assert "Traceback" not in result.output


def test_valid_profiles_validate(cli):
    result = cli("profiles", "validate", *[str(PROFILE_DIR / f"{c}.yaml") for c in PROFILES])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok, all 50 matter types mapped") == 6


def test_problems_are_all_reported_at_once():
    problems = validate_profile(Path("/nonexistent/county.yaml"))
    assert len(problems) == 1 and "file not found" in str(problems[0])


def test_show_prints_a_readable_table(cli):
    result = cli("profiles", "show", "chengkou")
    assert result.exit_code == 0
    assert "县惠民公司" in result.output and "water_supply" in result.output
    assert "县政府应急办公室" in result.output


def test_show_unknown_profile_says_which_exist(cli):
    result = cli("profiles", "show", "atlantis")
    assert result.exit_code == 2
    assert 'unknown profile "atlantis"' in result.output and "chengkou" in result.output


def test_county_profile_in_home_is_found(cli, home: Path):
    (home / "profiles").mkdir(parents=True)
    text = (PROFILE_DIR / "huangchuan.yaml").read_text(encoding="utf-8").replace("code: huangchuan", "code: mycounty")
    (home / "profiles" / "mycounty.yaml").write_text(text, encoding="utf-8")
    assert "mycounty" in cli("profiles", "list").output
    assert cli("profiles", "show", "mycounty").exit_code == 0
