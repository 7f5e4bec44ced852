"""Keep the nl and en catalogs complete.

    python scripts/translations.py update [TSV ...]   extract, update both catalogs, apply the
                                                       Dutch translations in the TSV files
    python scripts/translations.py check               list missing translations (exit 1 if any)

A TSV line is `english<TAB>dutch`; plurals as `singular||plural<TAB>enkelvoud||meervoud`.
English msgids are the source text, so the en catalog copies each msgid into its msgstr.
"""

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "marketplace" / "translations"
TEMPLATE = CATALOGS / "messages.pot"
LOCALES = ("nl", "en")


def po_path(locale: str) -> Path:
    return CATALOGS / locale / "LC_MESSAGES" / "messages.po"


def extract() -> Catalog:
    subprocess.run(  # noqa: S603 (fixed arguments)
        [
            sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
            "-k", "_l", "-k", "lazy_gettext", "-o", str(TEMPLATE), "--no-location",
            "--omit-header", "--sort-output", ".",
        ],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    with TEMPLATE.open("rb") as handle:
        return read_po(handle)


def load(locale: str) -> Catalog:
    path = po_path(locale)
    if not path.exists():
        return Catalog(locale=locale, project="Impactbeurs", fuzzy=False)
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def save(catalog: Catalog, locale: str) -> None:
    catalog.fuzzy = False
    catalog.project = "Impactbeurs"
    path = po_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, no_location=True, sort_output=True, width=100)


def read_tsv(paths: list[Path]) -> dict:
    translations = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or "\t" not in line:
                continue
            english, dutch = line.split("\t", 1)
            if "||" in english:
                translations[tuple(english.split("||"))] = tuple(dutch.split("||"))
            else:
                translations[english] = dutch
    return translations


def update(tsv_paths: list[Path]) -> None:
    template = extract()
    dutch = read_tsv(tsv_paths)
    for locale in LOCALES:
        catalog = load(locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        for message in catalog:
            if not message.id:
                continue
            message.flags.discard("fuzzy")
            if locale == "en":
                message.string = message.id
            elif message.id in dutch:
                message.string = dutch[message.id]
        save(catalog, locale)


def missing() -> list[str]:
    template = extract()
    problems = []
    for locale in LOCALES:
        catalog = load(locale)
        for message in template:
            if not message.id:
                continue
            translated = catalog.get(message.id)
            strings = translated.string if translated else None
            empty = not all(strings) if isinstance(strings, tuple) else not strings
            if translated is None or empty or "fuzzy" in translated.flags:
                problems.append(f"{locale}: {message.id!r}")
    return problems


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        update([Path(p) for p in sys.argv[2:]])
    problems = missing()
    for problem in problems:
        print(problem)
    print(f"{len(problems)} missing translations")
    sys.exit(1 if problems and command == "check" else 0)
