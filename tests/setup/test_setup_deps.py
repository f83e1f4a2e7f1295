#!/usr/bin/env python3
"""test_setup_deps.py - every command the scripts and tests call must come from the
base system or from a package that scripts/setup.sh installs, so the next missing
package is found by this test, not by a new user on a fresh machine.

How: it reads every shell script in scripts/, .ci/ and tests/ (and the COMMANDs of
tests/CMakeLists.txt), takes the word in each command position (line start, after
| && || ; $( ( then do else !, after exec/timeout/nice/env/command -v), keeps those that
name a program on this machine (not a builtin, keyword or a function of the script),
and asks dpkg which package owns it. A program passes when its package is in the base
system (Essential: yes or Priority: required, what a minimal Debian root has) or when
scripts/packages.list names it in a `tool` line with a listed package that really
provides it (owns the file, or depends on the owner). Python files: every imported
module must be in the standard library or come from a listed package.
Run from anywhere; exits 1 with one line per problem.
"""
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def read_packages_list():
    profiles, tools = {}, {}
    with open(os.path.join(ROOT, "scripts", "packages.list")) as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if words[0] == "tool":
                tools[words[1]] = words[2]
            else:
                profiles[words[0]] = words[1:]
    listed = {p for ps in profiles.values() for p in ps}
    return profiles, tools, listed


def sh(cmd):
    return subprocess.run(cmd, capture_output=True, text=True).stdout


def base_packages():
    out = sh(["dpkg-query", "-W", "-f", "${Package} ${Essential} ${Priority}\n"])
    return {w[0] for w in (l.split() for l in out.splitlines()) if len(w) >= 3 and (w[1] == "yes" or w[2] == "required")}


def aliases(path):
    """A file's names as dpkg may know them: itself, its real path, and the usrmerge twins."""
    cands = {path, os.path.realpath(path)}
    for c in list(cands):
        cands.add(c[4:] if c.startswith("/usr/") else "/usr" + c)
    return cands


def owners_of(paths):
    """{path: packages owning it} for many files, in one dpkg -S call."""
    out = subprocess.run(["dpkg", "-S"] + sorted(paths), capture_output=True, text=True).stdout
    owns = {}
    for line in out.splitlines():
        if line.startswith("diversion"):
            continue
        pkgs, _, f = line.partition(": ")
        owns.setdefault(f.strip(), set()).update(p.split(":")[0].strip() for p in pkgs.split(","))
    return owns


def installed_depends():
    """{package: packages it Depends or Pre-Depends on}, for every installed package, from one
    dpkg-query call; a virtual package stands for every installed package that Provides it."""
    out = sh(["dpkg-query", "-W", "-f", "${Package}\t${Depends}, ${Pre-Depends}\t${Provides}\n"])
    deps, provides = {}, {}
    for line in out.splitlines():
        name, dep, prov = (line.split("\t") + ["", ""])[:3]
        names = [alt.split("(")[0].split(":")[0].strip() for grp in dep.split(",") for alt in grp.split("|")]
        deps[name] = {n for n in names if n}
        for v in prov.split(","):
            v = v.split("(")[0].strip()
            if v:
                provides.setdefault(v, set()).add(name)
    return deps, provides


def depends_closure(pkg, deps, provides):
    todo, seen = [pkg], set()
    while todo:
        p = todo.pop()
        for q in {p} | provides.get(p, set()):
            if q not in seen:
                seen.add(q)
                todo.extend(deps.get(q, ()))
    return seen


SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"  # where Debian's packages put programs (not /usr/local, not ~)
SHELL_WORDS = set(sh(["bash", "-c", "compgen -b; compgen -k"]).split())
PREFIXES = {"exec", "timeout", "nice", "env", "command", "sudo", "then", "do", "else", "elif", "if", "while",
            "until", "!", "time", "xargs", "$SUDO"}
CMD_POS = re.compile(r"(?:^|[|;&(]|\$\(|\bthen\b|\bdo\b|\belse\b)\s*(.*)$")


def strip_double_quoted(line):
    """The line with each double-quoted string replaced by the $(...) substitutions inside
    it ("see $log" is text; "$(date +%s)" runs date)."""
    out, i, n = [], 0, len(line)
    while i < n:
        c = line[i]
        if c == "\\":
            out.append(line[i:i + 2]); i += 2; continue
        if c != '"':
            out.append(c); i += 1; continue
        i += 1
        while i < n and line[i] != '"':
            if line[i] == "\\":
                i += 2; continue
            if line.startswith("$(", i):
                depth, j = 1, i + 2
                while j < n and depth:
                    depth += {"(": 1, ")": -1}.get(line[j], 0)
                    j += 1
                out.append(" ; " + line[i + 2:j - 1] + " ; ")
                i = j
                continue
            i += 1
        i += 1
    return "".join(out)


def shell_commands(path):
    """(command, line number) pairs in a shell script; heredoc bodies are skipped."""
    text = open(path, encoding="utf-8", errors="replace").read()
    funcs = set(re.findall(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\(\)", text, re.M))
    found = []
    heredoc = None
    for no, line in enumerate(text.splitlines(), 1):
        if heredoc:
            if line.strip() == heredoc:
                heredoc = None
            continue
        m = re.search(r"<<-?\s*['\"]?([A-Za-z_]+)['\"]?", line)
        if m:
            heredoc = m.group(1)
        line = re.sub(r"(^|\s)#.*$", "", line)              # comments
        line = re.sub(r"'[^']*'", "''", line)               # single-quoted text is never a command
        line = strip_double_quoted(line)                    # nor double-quoted text, but its $(...) is
        for seg in re.split(r"\|\||&&|[|;]|\$\(|`|\(", line):
            words = seg.strip().split()
            while words and (words[0] in PREFIXES or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0])
                             or re.match(r"^-", words[0]) or re.match(r"^\d+[smh]?$", words[0])):
                words = words[1:]
            if not words:
                continue
            w = words[0].strip("\"'{}")
            if w.startswith(("/usr/bin/", "/bin/")):
                w = os.path.basename(w)
            if not re.match(r"^[a-z][a-z0-9._+-]*$", w) or w in SHELL_WORDS or w in funcs:
                continue
            found.append((w, no))
    return found


def script_files():
    out = []
    for top in ("scripts", ".ci", "tests"):
        for d, _, files in os.walk(os.path.join(ROOT, top)):
            for f in files:
                p = os.path.join(d, f)
                if f.endswith(".sh") or (top == ".ci") or (f.endswith(".sh") is False and open(p, "rb").read(24).startswith(b"#!/usr/bin/env bash")):
                    out.append(p)
    return sorted(set(out))


def python_imports():
    mods = {}
    for top in ("scripts", "tests"):
        for d, _, files in os.walk(os.path.join(ROOT, top)):
            for f in files:
                if f.endswith(".py"):
                    p = os.path.join(d, f)
                    for no, line in enumerate(open(p, encoding="utf-8"), 1):
                        m = re.match(r"\s*(?:import|from)\s+([A-Za-z_][A-Za-z0-9_]*)", line)
                        if m:
                            mods.setdefault(m.group(1), (p, no))
    return mods


def main():
    if not shutil.which("dpkg-query") or not shutil.which("apt-cache"):
        print("skipped: not a Debian system (no dpkg-query / apt-cache)")
        return 77
    profiles, tools, listed = read_packages_list()
    base = base_packages()
    problems = []
    for pkg in tools.values():
        if pkg not in listed:
            problems.append(f"scripts/packages.list: tool line names {pkg}, which no profile installs")
    local = {os.path.splitext(f)[0] for d, _, fs in os.walk(os.path.join(ROOT, "tests")) for f in fs if f.endswith(".py")}
    seen = {}
    for path in script_files():
        for cmd, no in shell_commands(path):
            seen.setdefault(cmd, (os.path.relpath(path, ROOT), no))
    closures = {}
    checked = 0
    exes = {cmd: shutil.which(cmd, path=SYSTEM_PATH) for cmd in seen}
    owns = owners_of({a for e in exes.values() if e for a in aliases(e)})
    for cmd, (where, no) in sorted(seen.items()):
        exe = exes[cmd]
        anywhere = shutil.which(cmd)
        if anywhere and os.path.realpath(anywhere).startswith(ROOT):
            continue
        if not exe:
            if anywhere:
                problems.append(f"{where}:{no}: '{cmd}' is only at {anywhere}, outside Debian's packages: "
                                f"a fresh machine does not have it")
            continue  # not a program (a word in a string, a function of a sourced file)
        owners = set().union(*(owns.get(a, set()) for a in aliases(exe)))
        checked += 1
        if owners & base:
            continue
        if cmd not in tools:
            problems.append(f"{where}:{no}: '{cmd}' comes from {', '.join(sorted(owners)) or 'no package'}, which is not in "
                            f"the base system: add it to scripts/packages.list (a profile and a tool line)")
            continue
        pkg = tools[cmd]
        if pkg not in closures:
            if not closures:
                deps, provides = installed_depends()
            closures[pkg] = depends_closure(pkg, deps, provides)
        if not owners & closures[pkg]:
            problems.append(f"{where}:{no}: '{cmd}' comes from {', '.join(sorted(owners))}, but packages.list says {pkg}, "
                            f"which does not bring it")
    stdlib = set(sys.stdlib_module_names)
    for mod, (p, no) in sorted(python_imports().items()):
        if mod in stdlib or mod in local:
            continue
        if mod == "torch" and "python3-torch" in listed:
            continue
        problems.append(f"{os.path.relpath(p, ROOT)}:{no}: python module '{mod}' is neither standard nor from a listed package")
    for p in problems:
        print("FAIL:", p, file=sys.stderr)
    if problems:
        return 1
    print(f"ok: {len(seen)} command words, {checked} programs checked, every one from the base system or scripts/packages.list")
    return 0


if __name__ == "__main__":
    sys.exit(main())
