import type { ResolvedUnit, UnitKind, UnitTier } from '@ioc/persistence';

interface SeedUnit {
  code: string;
  name: string;
  nameEn?: string;
  kind: UnitKind;
  tier: UnitTier;
  parentCode: string | null;
  validFrom: string;
  validTo?: string;
  successorCode?: string;
}

/**
 * A small synthetic tree for tests that need districts in force today (the real list has none
 * since 2025-07-01): a province "51" with departments, districts, a few communes and
 * facilities, and one merged district (526 into 525) to show a successor. The codes are test
 * fixtures, not the official list: commune codes such as 21001 belong to another province there.
 * Seed with it through seedDatabase(prisma, { units: FIXTURE_UNITS, localUnitCode: '522', alerting: false }).
 */
const PROVINCE = '51';
const SINCE = '2020-01-01T00:00:00+07:00';

const province: SeedUnit[] = [
  {
    code: PROVINCE,
    name: 'Tỉnh Quảng Ngãi',
    nameEn: 'Quang Ngai Province',
    kind: 'PROVINCE',
    tier: 'PROVINCE',
    parentCode: null,
    validFrom: SINCE,
  },
];

const departments: [string, string, string][] = [
  ['51-VPUBND', 'Văn phòng UBND tỉnh', "Office of the Provincial People's Committee"],
  ['51-STTTT', 'Sở Thông tin và Truyền thông', 'Department of Information and Communications'],
  ['51-SNV', 'Sở Nội vụ', 'Department of Home Affairs'],
  ['51-STP', 'Sở Tư pháp', 'Department of Justice'],
  ['51-SKHDT', 'Sở Kế hoạch và Đầu tư', 'Department of Planning and Investment'],
  ['51-STC', 'Sở Tài chính', 'Department of Finance'],
  ['51-SYT', 'Sở Y tế', 'Department of Health'],
  ['51-SGDDT', 'Sở Giáo dục và Đào tạo', 'Department of Education and Training'],
  ['51-STNMT', 'Sở Tài nguyên và Môi trường', 'Department of Natural Resources and Environment'],
  ['51-SXD', 'Sở Xây dựng', 'Department of Construction'],
  ['51-SGTVT', 'Sở Giao thông vận tải', 'Department of Transport'],
  ['51-SNNPTNT', 'Sở Nông nghiệp và Phát triển nông thôn', 'Department of Agriculture and Rural Development'],
  ['51-SCT', 'Sở Công Thương', 'Department of Industry and Trade'],
  ['51-SLDTBXH', 'Sở Lao động - Thương binh và Xã hội', 'Department of Labour, Invalids and Social Affairs'],
  ['51-SVHTTDL', 'Sở Văn hóa, Thể thao và Du lịch', 'Department of Culture, Sports and Tourism'],
];

const districts: [string, string, UnitKind][] = [
  ['522', 'Thành phố Quảng Ngãi', 'CITY'],
  ['524', 'Huyện Bình Sơn', 'DISTRICT'],
  ['525', 'Huyện Trà Bồng', 'DISTRICT'],
  ['527', 'Huyện Sơn Tịnh', 'DISTRICT'],
  ['528', 'Huyện Tư Nghĩa', 'DISTRICT'],
  ['529', 'Huyện Sơn Hà', 'DISTRICT'],
  ['530', 'Huyện Sơn Tây', 'DISTRICT'],
  ['531', 'Huyện Minh Long', 'DISTRICT'],
  ['532', 'Huyện Nghĩa Hành', 'DISTRICT'],
  ['533', 'Huyện Mộ Đức', 'DISTRICT'],
  ['534', 'Thị xã Đức Phổ', 'TOWN'],
  ['535', 'Huyện Ba Tơ', 'DISTRICT'],
  ['536', 'Huyện Lý Sơn', 'DISTRICT'],
];

const communes: [string, string, UnitKind, string][] = [
  ['21001', 'Phường Lê Hồng Phong', 'WARD', '522'],
  ['21004', 'Phường Trần Phú', 'WARD', '522'],
  ['21007', 'Phường Quảng Phú', 'WARD', '522'],
  ['21010', 'Phường Nghĩa Chánh', 'WARD', '522'],
  ['21013', 'Phường Trần Hưng Đạo', 'WARD', '522'],
  ['21016', 'Phường Nguyễn Nghiêm', 'WARD', '522'],
  ['21019', 'Phường Nghĩa Lộ', 'WARD', '522'],
  ['21022', 'Phường Chánh Lộ', 'WARD', '522'],
  ['21052', 'Thị trấn Châu Ổ', 'TOWNSHIP', '524'],
  ['21055', 'Xã Bình Thuận', 'COMMUNE', '524'],
  ['21058', 'Xã Bình Thạnh', 'COMMUNE', '524'],
  ['21061', 'Xã Bình Đông', 'COMMUNE', '524'],
  ['21064', 'Xã Bình Chánh', 'COMMUNE', '524'],
];

const facilities: [string, string, string][] = [
  ['51-BVDKT', 'Bệnh viện Đa khoa tỉnh Quảng Ngãi', '51-SYT'],
  ['51-BVSN', 'Bệnh viện Sản - Nhi tỉnh Quảng Ngãi', '51-SYT'],
  ['522-TTYT', 'Trung tâm Y tế thành phố Quảng Ngãi', '522'],
  ['524-TTYT', 'Trung tâm Y tế huyện Bình Sơn', '524'],
  ['51-THPTLK', 'Trường THPT chuyên Lê Khiết', '51-SGDDT'],
  ['51-THPTTQT', 'Trường THPT Trần Quốc Tuấn', '51-SGDDT'],
  ['522-THCSNN', 'Trường THCS Nguyễn Nghiêm', '522'],
  ['524-THCSCO', 'Trường THCS thị trấn Châu Ổ', '524'],
  ['21016-TYT', 'Trạm Y tế phường Nguyễn Nghiêm', '21016'],
  ['21052-TYT', 'Trạm Y tế thị trấn Châu Ổ', '21052'],
];

const tierOfParent = (parentCode: string): UnitTier =>
  communes.some(([code]) => code === parentCode) ? 'COMMUNE' : districts.some(([code]) => code === parentCode) ? 'DISTRICT' : 'PROVINCE';

const FIXTURE_TREE: SeedUnit[] = [
  ...province,
  ...departments.map(([code, name, nameEn]): SeedUnit => ({
    code,
    name,
    nameEn,
    kind: 'DEPARTMENT',
    tier: 'PROVINCE',
    parentCode: PROVINCE,
    validFrom: SINCE,
  })),
  ...districts.map(([code, name, kind]): SeedUnit => ({ code, name, kind, tier: 'DISTRICT', parentCode: PROVINCE, validFrom: SINCE })),
  {
    code: '526',
    name: 'Huyện Tây Trà',
    kind: 'DISTRICT',
    tier: 'DISTRICT',
    parentCode: PROVINCE,
    validFrom: SINCE,
    validTo: '2020-02-01T00:00:00+07:00',
    successorCode: '525',
  },
  ...communes.map(([code, name, kind, parentCode]): SeedUnit => ({ code, name, kind, tier: 'COMMUNE', parentCode, validFrom: SINCE })),
  ...facilities.map(([code, name, parentCode]): SeedUnit => ({
    code,
    name,
    kind: 'FACILITY',
    tier: tierOfParent(parentCode),
    parentCode,
    validFrom: SINCE,
  })),
];

export const FIXTURE_UNITS: ResolvedUnit[] = FIXTURE_TREE.map((unit) => ({
  code: unit.code,
  officialCode: null,
  name: unit.name,
  nameEn: unit.nameEn ?? null,
  kind: unit.kind,
  tier: unit.tier,
  parentCode: unit.parentCode,
  validFrom: new Date(unit.validFrom),
  validTo: unit.validTo ? new Date(unit.validTo) : null,
  successorCode: unit.successorCode ?? null,
  source: 'synthetic test fixture',
}));

/** Seed options for tests written against the fixture tree. */
export const FIXTURE_SEED = { units: FIXTURE_UNITS, localUnitCode: '522', alerting: false } as const;
