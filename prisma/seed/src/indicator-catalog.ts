import type { Formula, IndicatorWindow, RatioFormula, ScoreFormula, Term, UnitTierName } from '@ioc/contracts';

export interface SeedIndicator {
  id: string;
  nameVi: string;
  nameEn: string;
  description: string;
  unitOfMeasure: string;
  formula: Formula;
  window: IndicatorWindow;
  tiers: UnitTierName[];
}

const count = (kind: string, where?: Record<string, string | boolean>): Term => ({ op: 'count', filter: { kind, where } });
const latest = (kind: string, field: string): Term => ({ op: 'latest', filter: { kind }, field });
/** The newest reading ever: a stock that stands until the source reports a change. */
const standing = (kind: string, field: string): Term => ({ op: 'latest', filter: { kind }, field, standing: true });
/** QĐ 766: dossiers unfinished past their appointment count as late as of now. */
const OVERDUE_OPEN = standing('dossiers.overdue_open', 'count');
const percent = (numerator: Term[], denominator: Term[]): RatioFormula => ({ op: 'ratio', numerator, denominator, scale: 100 });
/** QĐ 766: the procedure catalogue as it stands, each procedure code (MaTTHC) once however many units offer it. */
const listed = (field: string): Term => ({ op: 'latest', filter: { kind: 'procedure.listed' }, field, standing: true, distinct: 'code' });
const MONTH: IndicatorWindow = { type: 'month_to_date' };
const TODAY: IndicatorWindow = { type: 'today' };
const STANDING: IndicatorWindow = { type: 'standing' };
const ALL_TIERS: UnitTierName[] = [];

// The Decision 766 formulas, each served as an indicator and scored in the composite index.
const DOSSIERS_ONLINE = percent([count('dossier.received', { channel: 'online', electronicResult: true })], [count('dossier.received')]);
const DOSSIERS_ON_TIME = percent([count('dossier.resolved', { onTime: true })], [count('dossier.resolved'), OVERDUE_OPEN]);
const PAID_ONLINE = percent([count('dossier.paid', { channel: 'online' })], [count('dossier.paid')]);
const FULLY_ONLINE = percent([listed('fullyOnline')], [listed('eligible')]);
const SATISFACTION: ScoreFormula = {
  op: 'score',
  scale: 100,
  minus: [
    { numerator: [count('dossier.resolved', { onTime: false }), OVERDUE_OPEN], denominator: [count('dossier.resolved'), OVERDUE_OPEN] },
    { numerator: [count('dossier.complained')], denominator: [count('dossier.received')] },
  ],
};

/**
 * The Decision 766 index out of 100 (README "Indicators"): the five groups with their points;
 * each item earns its share of its group's points linearly up to its threshold, full at or above
 * it. Thresholds are our reading of the examples quoted for the index (≥ 90 %, ≥ 80 %, ≥ 50 %),
 * data that a province can change. Publicity and digitisation have no source yet: N/A, left out.
 */
const INDEX_766: Formula = {
  op: 'index',
  groups: [
    { name: 'Công khai, minh bạch', weight: 18, items: [] },
    { name: 'Tiến độ, kết quả giải quyết', weight: 20, items: [{ formula: DOSSIERS_ON_TIME, fullAt: 90 }] },
    { name: 'Số hóa hồ sơ', weight: 22, items: [] },
    {
      name: 'Cung cấp dịch vụ trực tuyến',
      weight: 22,
      items: [
        { formula: FULLY_ONLINE, fullAt: 80 },
        { formula: DOSSIERS_ONLINE, fullAt: 50 },
        { formula: PAID_ONLINE, fullAt: 50 },
      ],
    },
    { name: 'Mức độ hài lòng', weight: 18, items: [{ formula: SATISFACTION, fullAt: 100 }] },
  ],
};

/** The indicator set of the wall displays (../shared/domain.md), as data. */
export const INDICATOR_CATALOG: SeedIndicator[] = [
  {
    id: 'doc.processed_online_pct',
    nameVi: 'Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng',
    nameEn: 'Work files processed on the network',
    description: 'Documents processed on the network / all documents processed (Nghị quyết 13-NQ/TU: 90/80/70 %).',
    unitOfMeasure: '%',
    formula: percent([count('document.processed', { onNetwork: true })], [count('document.processed')]),
    window: MONTH,
    tiers: ALL_TIERS,
  },
  {
    id: 'doc.on_time_pct',
    nameVi: 'Tỷ lệ văn bản xử lý đúng hạn',
    nameEn: 'Documents processed on time',
    description: 'Documents processed by their due date / all documents processed.',
    unitOfMeasure: '%',
    formula: percent([count('document.processed', { onTime: true })], [count('document.processed')]),
    window: MONTH,
    tiers: ALL_TIERS,
  },
  {
    id: 'doc.overdue',
    nameVi: 'Văn bản quá hạn',
    nameEn: 'Overdue documents',
    description:
      'Documents past their due date and still open (latest count reported by each unit, 0 when none; N/A only without a document system).',
    unitOfMeasure: 'văn bản',
    formula: latest('documents.overdue', 'count'),
    window: STANDING,
    tiers: ALL_TIERS,
  },
  {
    id: 'doc.signed_pct',
    nameVi: 'Tỷ lệ văn bản đi được ký số',
    nameEn: 'Outgoing documents digitally signed',
    description: 'Outgoing documents with a digital signature / all outgoing documents.',
    unitOfMeasure: '%',
    formula: percent([count('document.issued', { signed: true })], [count('document.issued')]),
    window: MONTH,
    tiers: ALL_TIERS,
  },
  {
    id: 'dossier.online_pct',
    nameVi: 'Tỷ lệ hồ sơ TTHC nộp trực tuyến',
    nameEn: 'Dossiers submitted online',
    description: 'Dossiers received online with an electronic result / all dossiers received (QĐ 766).',
    unitOfMeasure: '%',
    formula: DOSSIERS_ONLINE,
    window: MONTH,
    tiers: ALL_TIERS,
  },
  {
    id: 'dossier.on_time_pct',
    nameVi: 'Tỷ lệ hồ sơ TTHC giải quyết đúng hạn',
    nameEn: 'Dossiers resolved on time',
    description:
      'Dossiers finished by their appointment (supplement waiting excluded) / (dossiers finished + dossiers unfinished past their appointment as of now) (QĐ 766).',
    unitOfMeasure: '%',
    formula: DOSSIERS_ON_TIME,
    window: MONTH,
    tiers: ALL_TIERS,
  },
  {
    id: 'dossier.late',
    nameVi: 'Hồ sơ TTHC giải quyết trễ hạn',
    nameEn: 'Dossiers resolved late',
    description: 'Dossiers finished after their appointment date.',
    unitOfMeasure: 'hồ sơ',
    formula: count('dossier.resolved', { onTime: false }),
    window: MONTH,
    tiers: ALL_TIERS,
  },
  {
    id: 'dossier.online_payment_pct',
    nameVi: 'Tỷ lệ hồ sơ thanh toán trực tuyến',
    nameEn: 'Fee-bearing dossiers paid online',
    description: 'Fee-bearing dossiers paid online / all fee-bearing dossiers paid (QĐ 766).',
    unitOfMeasure: '%',
    formula: PAID_ONLINE,
    window: MONTH,
    tiers: ALL_TIERS,
  },
  {
    id: 'procedure.fully_online_pct',
    nameVi: 'Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến toàn trình',
    nameEn: 'Procedures offered as fully online public services',
    description:
      "Eligible procedures offered fully online / eligible procedures, over the catalogue as it stands (each unit's latest listing of each procedure); at a parent each procedure code counts once (QĐ 766).",
    unitOfMeasure: '%',
    formula: FULLY_ONLINE,
    window: STANDING,
    tiers: ALL_TIERS,
  },
  {
    id: 'dossier.satisfaction_766',
    nameVi: 'Mức độ hài lòng (theo QĐ 766)',
    nameEn: 'Satisfaction (Decision 766 style)',
    description: 'max(0, 100 − overdue share − share of dossiers with complaints) (QĐ 766).',
    unitOfMeasure: '%',
    formula: SATISFACTION,
    window: MONTH,
    tiers: ALL_TIERS,
  },
  {
    id: 'dvc.index_766',
    nameVi: 'Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)',
    nameEn: 'Public-service index (Decision 766)',
    description:
      'Points of the five QĐ 766 groups (publicity 18, progress 20, digitisation 22, online services 22, satisfaction 18), each item linear up to its threshold; the groups with data rescaled to 100, N/A when none has data.',
    unitOfMeasure: 'điểm',
    formula: INDEX_766,
    window: MONTH,
    tiers: ALL_TIERS,
  },
  {
    id: 'health.bed_occupancy_pct',
    nameVi: 'Công suất sử dụng giường bệnh',
    nameEn: 'Hospital bed occupancy',
    description: 'Inpatients / staffed beds (latest figures of each facility).',
    unitOfMeasure: '%',
    formula: percent([latest('beds.occupancy', 'occupied')], [latest('beds.occupancy', 'beds')]),
    window: TODAY,
    tiers: ALL_TIERS,
  },
  {
    id: 'health.visits_today',
    nameVi: 'Lượt khám bệnh trong ngày',
    nameEn: 'Patient visits today',
    description: 'Outpatient and emergency visits since local midnight.',
    unitOfMeasure: 'lượt',
    formula: { op: 'sum', filter: { kind: 'visits.recorded' }, field: 'count' },
    window: TODAY,
    tiers: ALL_TIERS,
  },
  {
    id: 'edu.attendance_pct',
    nameVi: 'Tỷ lệ học sinh đi học trong ngày',
    nameEn: 'School attendance today',
    description: 'Pupils present / pupils enrolled (latest daily figures of each school).',
    unitOfMeasure: '%',
    formula: percent([latest('attendance.daily', 'present')], [latest('attendance.daily', 'enrolled')]),
    window: TODAY,
    tiers: ALL_TIERS,
  },
  {
    id: 'health.emergencies_today',
    nameVi: 'Lượt cấp cứu trong ngày',
    nameEn: 'Emergencies today',
    description: 'Emergency cases reported by the facilities since local midnight (capCuu of the hourly reports).',
    unitOfMeasure: 'lượt',
    formula: { op: 'sum', filter: { kind: 'emergencies.recorded' }, field: 'count' },
    window: TODAY,
    tiers: ALL_TIERS,
  },
  {
    id: 'health.notifiable_cases_month',
    nameVi: 'Ca bệnh truyền nhiễm phải báo cáo trong tháng',
    nameEn: 'Notifiable disease cases this month',
    description: 'Notifiable-disease cases reported by the facilities this month (benhTruyenNhiem).',
    unitOfMeasure: 'ca',
    formula: { op: 'sum', filter: { kind: 'diseases.notified' }, field: 'count' },
    window: MONTH,
    tiers: ALL_TIERS,
  },
  {
    id: 'health.ehr_pct',
    nameVi: 'Tỷ lệ lượt khám có hồ sơ sức khỏe điện tử',
    nameEn: 'Visits with an electronic health record',
    description: 'Electronic health records opened / patient visits, today (hoSoSucKhoeDienTu / luotKham).',
    unitOfMeasure: '%',
    formula: percent(
      [{ op: 'sum', filter: { kind: 'health_records.opened' }, field: 'count' }],
      [{ op: 'sum', filter: { kind: 'visits.recorded' }, field: 'count' }],
    ),
    window: TODAY,
    tiers: ALL_TIERS,
  },
  {
    id: 'edu.digital_records_pct',
    nameVi: 'Tỷ lệ học sinh có học bạ số',
    nameEn: 'Pupils with digital school records',
    description: 'Pupils with a digital school record (học bạ số) / pupils enrolled, latest figures of each school.',
    unitOfMeasure: '%',
    formula: percent([standing('school_records.digital', 'digital')], [standing('school_records.digital', 'enrolled')]),
    window: STANDING,
    tiers: ALL_TIERS,
  },
  {
    id: 'edu.cashless_tuition_pct',
    nameVi: 'Tỷ lệ học sinh đóng học phí không dùng tiền mặt',
    nameEn: 'Tuition paid without cash',
    description: 'Pupils paying tuition without cash (thanhToanKhongTienMat) / pupils enrolled, latest figures of each school.',
    unitOfMeasure: '%',
    formula: percent([standing('tuition.cashless', 'cashless')], [standing('tuition.cashless', 'enrolled')]),
    window: STANDING,
    tiers: ALL_TIERS,
  },
  {
    id: 'source.freshness',
    nameVi: 'Độ mới dữ liệu nguồn',
    nameEn: 'Source data freshness',
    description: 'Seconds since the last successful read of the sources feeding the unit.',
    unitOfMeasure: 'giây',
    formula: { op: 'freshness' },
    window: { type: 'rolling', minutes: 60 },
    tiers: ALL_TIERS,
  },
];
