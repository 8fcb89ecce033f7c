#!/usr/bin/env python3
"""Checks the relative markdown links [x](file#anchor) of README.md and
docs/*.md: the file must exist and the anchor must be one of its headings
(GitHub rules: lowercase, punctuation removed, spaces to -, -1/-2 for
repeated headings). Usage: python3 scripts/check_doc_links.py [REPO]; exit 1
on a broken link."""
import os, re, sys, glob
root = sys.argv[1] if len(sys.argv) > 1 else '.'
files = [os.path.join(root, 'README.md')] + sorted(glob.glob(os.path.join(root, 'docs', '*.md')))
def slug(h):
    h = h.strip().lower()
    h = re.sub(r'[^\w\- ]', '', h)      # drop punctuation (keeps letters, digits, _, -, space)
    return h.replace(' ', '-')
def anchors(path):
    out, seen, fence = set(), {}, False
    for line in open(path, encoding='utf-8'):
        if line.lstrip().startswith('```'):
            fence = not fence; continue
        if fence: continue
        m = re.match(r'^(#{1,6})\s+(.*?)\s*#*\s*$', line)
        if m:
            s = slug(m.group(2)); n = seen.get(s, 0); seen[s] = n + 1
            out.add(s if n == 0 else f'{s}-{n}')
    return out
bad = n = 0
cache = {}
for f in files:
    fence = False
    for i, line in enumerate(open(f, encoding='utf-8'), 1):
        if line.lstrip().startswith('```'):
            fence = not fence; continue
        if fence: continue
        for m in re.finditer(r'!?\[[^\]]*\]\(([^)\s]+)\)', line):
            url = m.group(1)
            if re.match(r'^[a-z]+:', url): continue
            n += 1
            path, _, anc = url.partition('#')
            tgt = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
            if not os.path.exists(tgt):
                print(f'{f}:{i}: missing file {url}'); bad += 1; continue
            if anc:
                if tgt not in cache: cache[tgt] = anchors(tgt)
                if anc not in cache[tgt]:
                    print(f'{f}:{i}: missing anchor {url}'); bad += 1
print(f'{n} relative links checked, {bad} broken')
sys.exit(1 if bad else 0)
