#!/usr/bin/env python3
"""Fails when a string the app shows is not translated (docs/translations.md).

For each .ts file: lupdate reads the sources into a temporary copy of it, as
`update_translations` would, and every message is checked:
  - unfinished: new in the sources (or changed) and not translated yet;
  - vanished or obsolete: no longer in the sources (run update_translations to drop it);
  - empty: marked done but with no text;
  - placeholders: %1, %L1, %n in the translation are not those of the source.
The committed .ts is never changed. --self-test shows the check catches a new string and a
broken placeholder.
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

PLACEHOLDER = re.compile(r"%L?\d+|%n")


def placeholders(text):
    return collections.Counter(PLACEHOLDER.findall(text or ""))


def updated_copy(lupdate, ts, sources, includes, workdir):
    copy = os.path.join(workdir, os.path.basename(ts))
    shutil.copyfile(ts, copy)
    listing = os.path.join(workdir, "sources.lst")
    with open(listing, "w", encoding="utf-8") as f:
        f.write("\n".join(sources) + "\n")
    # The include paths matter: lupdate names a C++ class's context after its full name
    # (tandem::gui::AppCore, as tr() looks it up) only when it finds the class's header.
    command = [lupdate, "-locations", "none"]
    for include in includes:
        command += ["-I", include]
    run = subprocess.run(command + ["@" + listing, "-ts", copy], capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit("lupdate failed:\n" + run.stdout + run.stderr)
    return copy


def problems(ts_file):
    found = []
    root = ET.parse(ts_file).getroot()
    for context in root.iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            where = "%s: \"%s\"" % (name, source)
            translation = message.find("translation")
            kind = translation.get("type", "")
            if kind == "unfinished":
                found.append("untranslated  " + where)
                continue
            if kind in ("vanished", "obsolete"):
                found.append("not in the sources any more (run update_translations)  " + where)
                continue
            if message.get("numerus") == "yes":
                texts = [f.text or "" for f in translation.iter("numerusform")]
            else:
                texts = [translation.text or ""]
            if not texts or any(not t.strip() for t in texts):
                found.append("empty translation  " + where)
                continue
            want = placeholders(source)
            for text in texts:
                got = placeholders(text)
                # A plural form may say "one" in words instead of %n, as English does.
                if message.get("numerus") == "yes" and "%n" not in got:
                    got["%n"] = want["%n"]
                if got != want:
                    found.append("placeholders %s instead of %s  %s -> \"%s\"" % (
                        sorted(got.elements()), sorted(want.elements()), where, text))
    return found


def check(lupdate, ts_files, sources, includes):
    report = []
    for ts in ts_files:
        with tempfile.TemporaryDirectory() as workdir:
            for problem in problems(updated_copy(lupdate, ts, sources, includes, workdir)):
                report.append("%s: %s" % (os.path.basename(ts), problem))
    return report


def self_test(lupdate, ts_files, sources, includes):
    ts = ts_files[0]
    with tempfile.TemporaryDirectory() as workdir:
        # A new string in a QML file: reported as untranslated.
        extra = os.path.join(workdir, "NewPage.qml")
        with open(extra, "w", encoding="utf-8") as f:
            f.write('import QtQuick\nText { text: qsTr("A string nobody translated yet") }\n')
        report = check(lupdate, [ts], sources + [extra], includes)
        if not any("untranslated" in r and "A string nobody translated yet" in r for r in report):
            raise SystemExit("self-test: a new string was not reported:\n" + "\n".join(report))
        # A translation that drops a placeholder: reported.
        tree = ET.parse(ts)
        broken = None
        for message in tree.getroot().iter("message"):
            if "%1" in (message.findtext("source") or "") and message.get("numerus") != "yes":
                message.find("translation").text = "没有占位符"
                broken = message.findtext("source")
                break
        mutated = os.path.join(workdir, os.path.basename(ts))
        tree.write(mutated, encoding="utf-8", xml_declaration=True)
        report = check(lupdate, [mutated], sources, includes)
        if not any("placeholders" in r and broken in r for r in report):
            raise SystemExit("self-test: a lost placeholder was not reported:\n" + "\n".join(report))
    print("self-test: a new string and a lost placeholder are both reported")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lupdate", required=True)
    parser.add_argument("--sources", required=True, help="a file listing the sources, one a line")
    parser.add_argument("-I", dest="includes", action="append", default=[],
                        help="an include path for lupdate (as qt_add_lupdate passes)")
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("ts", nargs="+")
    args = parser.parse_args()
    with open(args.sources, encoding="utf-8") as f:
        sources = [line.strip() for line in f if line.strip()]
    if args.self_test:
        self_test(args.lupdate, args.ts, sources, args.includes)
        return 0
    report = check(args.lupdate, args.ts, sources, args.includes)
    for line in report:
        print(line)
    if report:
        print("%d problem(s). Update with `cmake --build --preset default --target "
              "update_translations`, then translate in Qt Linguist (linguist6) or the .ts file."
              % len(report))
        return 1
    print("every message of %s is translated" % ", ".join(os.path.basename(t) for t in args.ts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
