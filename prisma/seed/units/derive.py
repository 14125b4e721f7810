#!/usr/bin/env python3
"""Derives quang-ngai-2025.json from public sources (see README.md in this folder).

Usage: python3 derive.py <dvhcvn-20250701 git dir> <daohoangson-dvhcvn git dir> > quang-ngai-2025.json

Inputs, read with `git show` from the two repositories' snapshots:
  daohoangson/dvhcvn        data/dvhcvn.json              national list as of 01/03/2025 (pre-merger tree)
  dvhcvn/20250701           input/docs/915_CTK-CSCL.csv   new province codes (Công văn 915/CTK-CSCL)
                            input/docs/1027_CTK-CSCL.md   new commune-level codes (Công văn 1027/CTK-CSCL)
                            input/docs/1677_NQ-UBTVQH15.md text of Resolution 1677/NQ-UBTVQH15 (Quảng Ngãi communes)
                            mapping/merges.json           machine-extracted new -> old mapping
Every predecessor the mapping names is checked against the resolution's clause forming that unit
(the former unit's name must appear in the clause, and the clause must name the new unit); the
script stops on any disagreement, and on any former unit left without a successor.
"""
import json
import re
import subprocess
import sys
import unicodedata

NEW_PROVINCE = '51'
OLD_PROVINCES = ('51', '62')
# Where mapping/merges.json puts a former unit under the wrong new unit, the resolution's clause
# decides: former code -> (wrong new code, right new code). derive() checks the right clause names it.
CORRECTIONS = {
    '23521': ('23425', '23500'),  # Xã Hà Mòn: khoản 56 (xã Đăk Hà), not khoản 62 (xã Tu Mơ Rông)
}
# Former units the resolution spells differently from the list: former code -> the resolution's spelling.
RESOLUTION_SPELLING = {
    '23344': 'Đăk Plô',  # list: Xã Đắk Blô (huyện Đắk Glei)
    '23458': 'Măng Bút',  # list: Xã Măng Buk (huyện Kon Plông)
}
# Province-level agencies of the merged province (its own codes, parents first): the departments
# of the 2025 structure and a few facilities whose source systems the simulator plays.
AGENCIES = [
    ('51-VPUBND', 'Văn phòng UBND tỉnh', '51'),
    ('51-SNV', 'Sở Nội vụ', '51'),
    ('51-STP', 'Sở Tư pháp', '51'),
    ('51-STC', 'Sở Tài chính', '51'),
    ('51-SCT', 'Sở Công Thương', '51'),
    ('51-SNNMT', 'Sở Nông nghiệp và Môi trường', '51'),
    ('51-SXD', 'Sở Xây dựng', '51'),
    ('51-SKHCN', 'Sở Khoa học và Công nghệ', '51'),
    ('51-SVHTTDL', 'Sở Văn hóa, Thể thao và Du lịch', '51'),
    ('51-SGDDT', 'Sở Giáo dục và Đào tạo', '51'),
    ('51-SYT', 'Sở Y tế', '51'),
    ('51-BVDKT', 'Bệnh viện Đa khoa tỉnh Quảng Ngãi', '51-SYT'),
    ('51-BVSN', 'Bệnh viện Sản - Nhi tỉnh Quảng Ngãi', '51-SYT'),
    ('51-THPTLK', 'Trường THPT chuyên Lê Khiết', '51-SGDDT'),
    ('51-THPTTQT', 'Trường THPT Trần Quốc Tuấn', '51-SGDDT'),
]
MERGER_DAY = '2025-07-01T00:00:00+07:00'
OLD_UNTIL = '2025-07-01T00:00:00+07:00'  # exclusive end: the old units' last day is 2025-06-30
OLD_FROM = '2025-03-01T00:00:00+07:00'   # date of the pre-merger list; earlier changes are not recorded here


def show(repo, path):
    return subprocess.run(['git', '--git-dir', repo, 'show', f'HEAD:{path}'], check=True, capture_output=True, text=True).stdout


def commit(repo):
    return subprocess.run(['git', '--git-dir', repo, 'rev-parse', 'HEAD'], check=True, capture_output=True, text=True).stdout.strip()


def norm(text):
    text = unicodedata.normalize('NFC', text).lower()
    text = text.replace('\\', '').replace('*', '')
    # The resolution and the lists spell the same place "Đăk" or "Đắk", "Ia H' Drai" or "Ia H'Drai".
    text = text.replace("' ", "'").replace('’', "'").replace("'", "").replace(' - ', '-')
    return re.sub(r'\s+', ' ', text).strip()


def loose(text):
    """Without tone marks: the lists and the resolution spell some names differently ("Đăk"/"Đắk", "Ngọk"/"Ngok")."""
    stripped = ''.join(ch for ch in unicodedata.normalize('NFD', norm(text)) if unicodedata.category(ch) != 'Mn')
    return stripped.replace('đ', 'd').replace('ngoc', 'ngok')  # Kon Tum writes "Ngọk", the list "Ngọc"


KIND_OF = {'Xã': 'COMMUNE', 'Phường': 'WARD', 'Thị trấn': 'TOWNSHIP', 'Đặc khu': 'SPECIAL_ZONE',
           'Huyện': 'DISTRICT', 'Thành phố': 'CITY', 'Thị xã': 'TOWN', 'Tỉnh': 'PROVINCE'}


def kind_and_bare(name):
    for prefix, kind in sorted(KIND_OF.items(), key=lambda kv: -len(kv[0])):
        if norm(name).startswith(norm(prefix) + ' '):
            return kind, name[len(prefix) + 1:].strip()
    raise SystemExit(f'unknown unit type in name {name!r}')


def main():
    new_repo, old_repo = sys.argv[1], sys.argv[2]
    new_commit, old_commit = commit(new_repo), commit(old_repo)
    # Short citations; the list's "sources" block gives each document's full reference.
    cite_old = 'danh mục ĐVHC of 01/03/2025 [preMergerList]'
    cite_915 = 'Công văn 915/CTK-CSCL [newProvinceCodes]'
    cite_1027 = 'Công văn 1027/CTK-CSCL, Phụ lục I [newCommuneCodes]'
    cite_1677 = 'Nghị quyết 1677/NQ-UBTVQH15, Điều 1 khoản {clause} [mergerTable]'

    old = json.loads(show(old_repo, 'data/dvhcvn.json'))['data']
    units = []
    old_units = {}
    for province in old:
        if province['level1_id'] not in OLD_PROVINCES:
            continue
        old_units[province['level1_id']] = province['name']
        for district in province['level2s']:
            old_units[district['level2_id']] = district['name']
            for commune in district['level3s']:
                old_units[commune['level3_id']] = (commune['name'], district['level2_id'])

    # New province: code and name from Công văn 915.
    rows915 = [line.split(',') for line in show(new_repo, 'input/docs/915_CTK-CSCL.csv').splitlines()[1:]]
    name915 = next(row[2] for row in rows915 if row[1] == NEW_PROVINCE)
    assert name915 == 'Quảng Ngãi', name915

    # New commune-level units: the Quảng Ngãi section of Công văn 1027, Phụ lục I.
    new_rows, inside = [], False
    for line in show(new_repo, 'input/docs/1027_CTK-CSCL.md').splitlines():
        if 'TỈNH QUẢNG NGÃI' in line:
            inside = True
            continue
        if inside and re.match(r'\|\s*\|\s*\|\s*(TỈNH|THÀNH PHỐ)', line):
            break
        match = re.match(r'\|\s*(\d+)\s*\|\s*(\d{5})\s*\|\s*([^|]+?)\s*\|', line)
        if inside and match:
            new_rows.append((match.group(2), match.group(3).replace('<br>', ' ')))
    if len(new_rows) != 96:
        raise SystemExit(f'expected 96 commune-level units in 1027/CTK-CSCL for Quảng Ngãi, found {len(new_rows)}')

    # Resolution 1677, Điều 1: numbered clauses, each forming one new unit named in bold.
    text = show(new_repo, 'input/docs/1677_NQ-UBTVQH15.md')
    article = text[text.index('**Điều 1.'):text.index('**Điều 2.')]
    clauses = {}
    for match in re.finditer(r'(?ms)^(\d+)\\\. (.*?)(?=^\d+\\\. |\Z)', article):
        body = norm(match.group(2))
        named = re.findall(r'thành (?:xã|phường|đặc khu) (?:mới )?có tên gọi là (?:xã|phường|đặc khu) ([^.;,]+)', body)
        if named:
            clauses[norm(named[-1].strip())] = (int(match.group(1)), body)
    unchanged = norm(article[article.index('không thực'):])

    merges = json.loads(show(new_repo, 'mapping/merges.json'))['data']
    province = next(p for p in merges if p['level1_id'] == NEW_PROVINCE)
    mapping = {unit['level2_id']: list(unit['merges']) for unit in province['level2s']}
    for former, (wrong, right) in CORRECTIONS.items():
        moved = next(m for m in mapping[wrong] if m['old_id'] == former)
        mapping[wrong].remove(moved)
        mapping[right].append(moved)
    assert sorted(m['old_id'] for m in province['merges']) == sorted(OLD_PROVINCES)

    successor_of = {}
    new_units = []
    for code, name in new_rows:
        kind, bare = kind_and_bare(name)
        predecessors = mapping.get(code)
        if not predecessors:
            raise SystemExit(f'{code} {name}: not in mapping/merges.json')
        clause = clauses.get(norm(bare)) or next(iter([c for n, c in clauses.items() if loose(n) == loose(bare)][:1] if len([n for n in clauses if loose(n) == loose(bare)]) == 1 else []), None)
        if clause:
            number, body = clause
            for predecessor in predecessors:
                old_name = old_units.get(predecessor['old_id'])
                if old_name is None:
                    raise SystemExit(f'{code} {name}: predecessor {predecessor["old_id"]} is not in the pre-merger list')
                _, old_bare = kind_and_bare(old_name[0] if isinstance(old_name, tuple) else old_name)
                old_bare = RESOLUTION_SPELLING.get(predecessor['old_id'], old_bare)
                if loose(old_bare) not in loose(body):
                    raise SystemExit(f'{code} {name}: clause {number} does not name predecessor {old_bare} ({predecessor["old_id"]})')
                partial = loose(f'một phần diện tích tự nhiên, quy mô dân số của xã {old_bare}') in loose(body) or loose(f'phần còn lại của xã {old_bare}') in loose(body)
                if partial != (predecessor['type'] == 'partial'):
                    raise SystemExit(f'{code} {name}: mapping says {predecessor["type"]} for {old_bare}, clause {number} disagrees')
            citation = cite_1677.format(clause=number)
        elif loose(bare) in loose(unchanged) and len(predecessors) == 1 and predecessors[0]['old_id'] == code:
            citation = cite_1677.format(clause=92) + ' (không thực hiện sắp xếp)'
        else:
            raise SystemExit(f'{code} {name}: no clause of 1677/NQ-UBTVQH15 forms it')
        for predecessor in predecessors:
            successor_of.setdefault(predecessor['old_id'], []).append(code)
        new_units.append({
            'code': code, 'name': name, 'kind': kind, 'parent': NEW_PROVINCE,
            'validFrom': MERGER_DAY, 'validTo': None,
            'predecessors': [{'code': p['old_id'], 'share': p['type']} for p in predecessors],
            'source': f'{cite_1027}; formed by {citation}',
        })

    # Every former commune, and Lý Sơn district (which had no communes), has a successor.
    former = [c for c, v in old_units.items() if isinstance(v, tuple)] + ['536']
    missing = [c for c in former if c not in successor_of]
    if missing:
        raise SystemExit(f'former units without successor: {missing}')

    # Keys: the new list reuses most former codes, so a former unit whose code lives on is keyed
    # "<code>@2025-06-30" (its last day); officialCode always holds the code of the list.
    new_codes = {code for code, _ in new_rows} | {NEW_PROVINCE}
    key = lambda code: f'{code}@2025-06-30' if code in new_codes else code

    for code in OLD_PROVINCES:
        if code == NEW_PROVINCE:
            continue
        units.append({'code': code, 'name': old_units[code], 'kind': 'PROVINCE', 'parent': None, 'validFrom': OLD_FROM,
                      'validTo': OLD_UNTIL, 'predecessors': [], 'source': cite_old})
    units.insert(0, {'code': NEW_PROVINCE, 'name': f'Tỉnh {name915}', 'kind': 'PROVINCE', 'parent': None, 'validFrom': OLD_FROM,
                     'validTo': None, 'predecessors': [{'code': '62', 'share': 'full'}],
                     'source': f'{cite_915}; Nghị quyết 202/2025/QH15 merged Tỉnh Kon Tum (62) into it from 2025-07-01; code unchanged from {cite_old}'})
    for province in old:
        if province['level1_id'] not in OLD_PROVINCES:
            continue
        for district in province['level2s']:
            d_kind, _ = kind_and_bare(district['name'])
            units.append({'code': district['level2_id'], 'name': district['name'], 'kind': d_kind, 'parent': province['level1_id'],
                          'validFrom': OLD_FROM, 'validTo': OLD_UNTIL, 'predecessors': [],
                          'source': f'{cite_old}; district tier abolished 2025-07-01 (Luật Tổ chức chính quyền địa phương 72/2025/QH15)'})
            for commune in district['level3s']:
                c_kind, _ = kind_and_bare(commune['name'])
                units.append({'code': key(commune['level3_id']), 'officialCode': commune['level3_id'], 'name': commune['name'], 'kind': c_kind,
                              'parent': district['level2_id'], 'validFrom': OLD_FROM, 'validTo': OLD_UNTIL, 'predecessors': [],
                              'source': cite_old})
    keyed = {u.get('officialCode', u['code']): u['code'] for u in units}
    for unit in new_units:
        unit['predecessors'] = [{'code': keyed[p['code']], 'share': p['share']} for p in unit['predecessors']]
    units.extend(new_units)
    own = "the province's own code (agencies are not in the national list)"
    for code, name, parent in AGENCIES:
        units.append({'code': code, 'name': name, 'kind': 'FACILITY' if parent != NEW_PROVINCE else 'DEPARTMENT', 'parent': parent,
                      'validFrom': MERGER_DAY, 'validTo': None, 'predecessors': [], 'source': own})

    header = {
        'list': 'Tỉnh Quảng Ngãi: đơn vị hành chính trước và sau ngày 01/07/2025',
        'sources': {
            'preMergerList': f'https://github.com/daohoangson/dvhcvn (commit {old_commit}), data/dvhcvn.json',
            'newProvinceCodes': f'Công văn 915/CTK-CSCL of the Cục Thống kê; text copy https://github.com/dvhcvn/20250701 (commit {new_commit}) input/docs/915_CTK-CSCL.csv',
            'newCommuneCodes': 'Công văn 1027/CTK-CSCL (25/06/2025), Phụ lục I; text copy in the same repository, input/docs/1027_CTK-CSCL.md',
            'mergerTable': 'Nghị quyết 1677/NQ-UBTVQH15 (16/06/2025), Điều 1; text copy input/docs/1677_NQ-UBTVQH15.md; mapping/merges.json of the same repository checked clause by clause against it',
        },
    }
    # One unit per line, so a change to the list reads as a one-line diff.
    lines = json.dumps(header, ensure_ascii=False, indent=1)[:-2]
    body = ',\n'.join('  ' + json.dumps(unit, ensure_ascii=False) for unit in units)
    sys.stdout.write(f'{lines},\n "units": [\n{body}\n ]\n}}\n')


if __name__ == '__main__':
    main()
