#!/usr/bin/env python3
"""Regenerate the geographic data files the portal ships, from official data published on npm.

    python tools/build_geo_data.py                 # fetches the pinned versions with `npm pack`
    python tools/build_geo_data.py --from /tmp/x   # or reads already extracted packages

Writes (both committed in the repository, never node_modules):
- accounts/data/collectivites_37.csv: the communes and EPCI à fiscalité propre of the department
  (INSEE code and SIREN of each commune, SIREN of each EPCI, postal codes);
- accounts/data/postal_codes.csv.gz: every French postal code with the communes it serves (official
  name, plus names of former/delegated communes and La Poste's routing label, so that "37130 Les
  Essards" or "37540 St Cyr sur Loire" are recognised);
- accounts/data/communes_cog.csv.gz: every COG code of a commune (current, delegated, associated,
  municipal arrondissement, and former codes pointing to today's commune) with its name and department,
  to name the birthplace FranceConnect sends as a COG code.

The foreign countries' COG codes (accounts/data/pays_cog.csv) are not in these packages: that small file
is kept by hand, its header says from where.

Sources:
- @etalab/decoupage-administratif: Code officiel géographique (INSEE), EPCI (DGCL), postal codes of
  the Base officielle des codes postaux (La Poste), Licence Ouverte;
- codes-postaux (Base Adresse Nationale): postal codes from the COG and the DGFiP's FIMOCT, MIT/LO,
  used to complete the La Poste list (routing labels, a few extra pairs).
"""

import argparse
import csv
import datetime
import gzip
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from accounts.postal_codes import normalize_town  # noqa: E402

DEPARTMENT = "37"
PACKAGES = {"decoupage": ("@etalab/decoupage-administratif", "6.0.0"), "codes_postaux": ("codes-postaux", "4.1.2")}
OUT_COLLECTIVITES = ROOT / "accounts" / "data" / f"collectivites_{DEPARTMENT}.csv"
OUT_POSTAL = ROOT / "accounts" / "data" / "postal_codes.csv.gz"
OUT_COMMUNES = ROOT / "accounts" / "data" / "communes_cog.csv.gz"


def npm_fetch(name, version, workdir):
    """`npm pack` the exact version into workdir, extract it, return (package dir, publication date)."""
    spec = f"{name}@{version}"
    tgz = subprocess.run(
        ["npm", "pack", spec, "--silent"], cwd=workdir, check=True, capture_output=True, text=True
    ).stdout.strip()
    target = Path(workdir) / name.replace("/", "_")
    with tarfile.open(Path(workdir) / tgz) as archive:
        archive.extractall(target, filter="data")
    return target / "package", publication_date(name, version)


def publication_date(name, version):
    try:
        out = subprocess.run(["npm", "view", name, "time", "--json"], check=True, capture_output=True, text=True)
        return json.loads(out.stdout)[version][:10]
    except (subprocess.CalledProcessError, KeyError, ValueError, FileNotFoundError):
        return "inconnue"


def load_json(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def header_lines(sources, today):
    lines = [f"# Généré le {today} par tools/build_geo_data.py — ne pas modifier à la main."]
    for label, (name, version, published) in sources.items():
        lines.append(f"# Source : {label} — paquet npm {name} version {version} (publiée le {published}).")
    return lines


def build_collectivites(communes, epcis, sources, today):
    current = [c for c in communes if c.get("departement") == DEPARTMENT and c["type"] == "commune-actuelle"]
    in_department = [e for e in epcis if any(m["code"].startswith(DEPARTMENT) for m in e["membres"])]
    out = io.StringIO()
    for line in header_lines({"COG 2026 (INSEE) et EPCI (DGCL)": sources["decoupage"]}, today):
        out.write(line + "\n")
    out.write(
        f"# {len(current)} communes et {len(in_department)} EPCI à fiscalité propre ayant au moins une commune "
        f"dans le département {DEPARTMENT}. code = code INSEE (commune) ou SIREN (EPCI).\n"
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kind", "code", "siren", "name", "postal_codes"])
    for commune in sorted(current, key=lambda c: c["code"]):
        writer.writerow(
            ["commune", commune["code"], commune["siren"], commune["nom"], " ".join(commune["codesPostaux"])]
        )
    for epci in sorted(in_department, key=lambda e: e["code"]):
        writer.writerow(["epci", epci["code"], epci["code"], epci["nom"], ""])
    OUT_COLLECTIVITES.parent.mkdir(parents=True, exist_ok=True)
    OUT_COLLECTIVITES.write_text(out.getvalue(), encoding="utf-8")
    return len(current), len(in_department)


def build_postal_codes(communes, codes_postaux, sources, today):
    current = {c["code"]: c for c in communes if c["type"] in ("commune-actuelle", "arrondissement-municipal")}
    # Former communes (merged into a current one) and delegated/associated communes point to their commune.
    parent = {}
    for commune in communes:
        if commune["type"] == "commune-actuelle":
            for old in commune.get("anciensCodes", []):
                parent.setdefault(old, commune["code"])
        elif commune["type"] in ("commune-deleguee", "commune-associee") and commune.get("chefLieu"):
            parent.setdefault(commune["code"], commune["chefLieu"])
    aliases_by_commune = {}
    for commune in communes:
        if commune["type"] in ("commune-deleguee", "commune-associee") and commune.get("chefLieu"):
            aliases_by_commune.setdefault(commune["chefLieu"], set()).add(commune["nom"])

    rows = {}  # (postal code, insee, normalized name) -> (name, official)

    def add(postal_code, insee, name, official):
        key = (postal_code, insee, normalize_town(name))
        if key[2] and (key not in rows or (official and not rows[key][1])):
            rows[key] = (name, official)

    pairs = set()
    for code, commune in current.items():
        for postal_code in commune.get("codesPostaux", []):
            pairs.add((postal_code, code))
    for entry in codes_postaux:
        insee = entry["codeCommune"]
        insee = insee if insee in current else parent.get(insee, insee)
        if insee not in current:
            continue
        pairs.add((entry["codePostal"], insee))
        add(entry["codePostal"], insee, entry["nomCommune"], False)
        add(entry["codePostal"], insee, entry["libelleAcheminement"], False)
    for postal_code, insee in pairs:
        commune = current[insee]
        add(postal_code, insee, commune["nom"], True)
        for alias in aliases_by_commune.get(insee, ()):
            add(postal_code, insee, alias, False)

    out = io.StringIO()
    for line in header_lines(
        {
            "Base officielle des codes postaux (La Poste) et COG 2026 (INSEE)": sources["decoupage"],
            "codes postaux COG + FIMOCT (DGFiP), Base Adresse Nationale": sources["codes_postaux"],
        },
        today,
    ):
        out.write(line + "\n")
    out.write(
        "# official = 1 : nom officiel de la commune ; 0 : autre nom reconnu (ancienne commune, libellé La Poste).\n"
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["postal_code", "insee_code", "name", "official"])
    for (postal_code, insee, _), (name, official) in sorted(rows.items()):
        writer.writerow([postal_code, insee, name, "1" if official else "0"])
    with open(OUT_POSTAL, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
        handle.write(out.getvalue().encode("utf-8"))
    return len({postal_code for postal_code, _, _ in rows}), len(rows)


def build_birthplaces(communes, sources, today):
    """COG code -> (name, department) for every code a birthplace may carry."""
    priority = {"commune-actuelle": 0, "arrondissement-municipal": 1, "commune-deleguee": 2, "commune-associee": 3}
    names = {}
    for commune in sorted(communes, key=lambda c: priority.get(c["type"], 9)):
        names.setdefault(commune["code"], (commune["nom"], commune.get("departement", "")))
    for commune in communes:
        if commune["type"] == "commune-actuelle":
            for old in commune.get("anciensCodes", []):
                names.setdefault(old, (commune["nom"], commune.get("departement", "")))
    out = io.StringIO()
    for line in header_lines({"COG 2026 (INSEE)": sources["decoupage"]}, today):
        out.write(line + "\n")
    out.write("# Un code ancien (commune fusionnée) porte le nom de la commune d'aujourd'hui.\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "department"])
    for code, (name, department) in sorted(names.items()):
        writer.writerow([code, name, department])
    with open(OUT_COMMUNES, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
        handle.write(out.getvalue().encode("utf-8"))
    return len(names)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="source_dir", help="directory holding already extracted packages")
    args = parser.parse_args()
    today = datetime.date.today().isoformat()
    with tempfile.TemporaryDirectory() as workdir:
        sources, dirs = {}, {}
        for key, (name, version) in PACKAGES.items():
            if args.source_dir:
                package_dir = Path(args.source_dir) / name.replace("/", "_") / "package"
                found = load_json(package_dir / "package.json")["version"]
                if found != version:
                    sys.exit(f"{name}: version {found} found, {version} expected")
                dirs[key], published = package_dir, publication_date(name, version)
            else:
                dirs[key], published = npm_fetch(name, version, workdir)
            sources[key] = (name, version, published)
        communes = load_json(dirs["decoupage"] / "data" / "communes.json")
        epcis = load_json(dirs["decoupage"] / "data" / "epci.json")
        codes_postaux = load_json(dirs["codes_postaux"] / "codes-postaux.json")
        n_communes, n_epci = build_collectivites(communes, epcis, sources, today)
        n_codes, n_rows = build_postal_codes(communes, codes_postaux, sources, today)
        n_birthplaces = build_birthplaces(communes, sources, today)
    print(f"{OUT_COLLECTIVITES.relative_to(ROOT)}: {n_communes} communes, {n_epci} EPCI")
    print(f"{OUT_POSTAL.relative_to(ROOT)}: {n_codes} postal codes, {n_rows} (postal code, town) names")
    print(f"{OUT_COMMUNES.relative_to(ROOT)}: {n_birthplaces} COG codes")


if __name__ == "__main__":
    main()
