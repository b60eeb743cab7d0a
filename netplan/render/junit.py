"""JUnit XML for CI dashboards: one testsuite per scenario, one testcase per finding.

A testcase is named `<rule>: <subject>` and its classname is `<design file stem>.<scenario>`, so
dashboards that group by class (Jenkins: package.class) show one group per design and scenario,
and reports of several designs merged together stay apart. Errors and warnings fail, accepted
findings are skipped with the reason, info passes with its message on system-out. Each testcase
carries `file` and `line` attributes (read by GitLab and by annotation actions), and its failure
text starts with `file:line:col`. No timestamps, no durations: the same input gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import PurePath

from netplan.engine import Report
from netplan.findings import Finding
from netplan.render import renderer
from netplan.render._common import acceptance, design_file

# Characters XML 1.0 cannot hold (even escaped): most C0 controls, surrogates, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _class_part(text: str) -> str:
    """A dot would split it into package and class in Jenkins."""
    return _x(text).replace(".", "_")


def _detail(f: Finding) -> str:
    where = f"{f.location}: " if f.location else ""
    return (
        f"{where}{f.severity} {f.rule_id} {f.rule_name} [{f.scenario}] ({f.subject})\n"
        f"{f.message}\nFix: {f.remediation}"
    )


@renderer("junit")
def render_junit(report: Report) -> str:
    file = design_file(report)
    stem = _class_part(PurePath(file).stem) if file else "dr-netplan"
    root = ET.Element("testsuites", name=_x(f"dr-netplan {report.design.name}"))
    total = failures = skipped = 0
    for res in report.results:
        classname = f"{stem}.{_class_part(res.scenario.name)}"
        suite = ET.SubElement(root, "testsuite", name=_x(res.scenario.name))
        n_fail = n_skip = 0
        if not res.findings:
            ET.SubElement(suite, "testcase", classname=classname, name="no findings")
        seen: dict[str, int] = {}
        for f in res.findings:
            name = f"{f.rule_name}: {f.subject}"
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:  # the same rule on the same subject, another message
                name += f" ({seen[name]})"
            case = ET.SubElement(suite, "testcase", classname=classname, name=_x(name))
            if f.location:
                case.set("file", _x(f.location.file))
                case.set("line", str(f.location.line))
            if f.accepted:
                n_skip += 1
                skip = ET.SubElement(case, "skipped", message=_x(acceptance(f)))
                skip.text = _x(_detail(f))
            elif f.severity in ("error", "warning"):
                n_fail += 1
                fail = ET.SubElement(case, "failure", message=_x(f.message), type=str(f.severity))
                fail.text = _x(_detail(f))
            else:
                ET.SubElement(case, "system-out").text = _x(_detail(f))
        count = max(len(res.findings), 1)
        suite.set("tests", str(count))
        suite.set("failures", str(n_fail))
        suite.set("errors", "0")
        suite.set("skipped", str(n_skip))
        total, failures, skipped = total + count, failures + n_fail, skipped + n_skip
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("skipped", str(skipped))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
