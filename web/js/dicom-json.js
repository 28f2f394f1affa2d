// Reading the DICOM JSON model (PS3.18 Annex F) that QIDO-RS and WADO-RS metadata return.

export const Tag = {
  SpecificCharacterSet: '00080005',
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  StudyDate: '00080020',
  StudyTime: '00080030',
  AccessionNumber: '00080050',
  Modality: '00080060',
  ModalitiesInStudy: '00080061',
  ReferringPhysicianName: '00080090',
  StudyDescription: '00081030',
  SeriesDescription: '0008103E',
  InstitutionName: '00080080',
  AvailableTransferSyntaxUID: '00083002',
  FailureReason: '00081197',
  ReferencedSOPSequence: '00081199',
  FailedSOPSequence: '00081198',
  ReferencedSOPInstanceUID: '00081155',
  WarningReason: '00081196',
  PatientName: '00100010',
  PatientID: '00100020',
  PatientBirthDate: '00100030',
  PatientSex: '00100040',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  StudyID: '00200010',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  NumberOfSeriesRelatedInstances: '00201209',
  SamplesPerPixel: '00280002',
  PhotometricInterpretation: '00280004',
  PlanarConfiguration: '00280006',
  NumberOfFrames: '00280008',
  Rows: '00280010',
  Columns: '00280011',
  BitsAllocated: '00280100',
  BitsStored: '00280101',
  HighBit: '00280102',
  PixelRepresentation: '00280103',
  WindowCenter: '00281050',
  WindowWidth: '00281051',
  RescaleIntercept: '00281052',
  RescaleSlope: '00281053',
  TransferSyntaxUID: '00020010',
};

/** The values of `tag` in `dataSet`, [] when absent or empty. */
export function values(dataSet, tag) {
  return dataSet?.[tag]?.Value ?? [];
}

/** The first value of `tag` as text ('' when absent); person names in their alphabetic form. */
export function text(dataSet, tag) {
  const value = values(dataSet, tag)[0];
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return personName(value);
  return String(value);
}

export function number(dataSet, tag, fallback = undefined) {
  const value = Number(values(dataSet, tag)[0]);
  return Number.isFinite(value) ? value : fallback;
}

/** 'DOE^JOHN' as 'DOE, JOHN'. */
export function personName(value) {
  const alphabetic = value?.Alphabetic ?? value?.Ideographic ?? value?.Phonetic ?? '';
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = alphabetic.split('^');
  const rest = [prefix, given, middle, suffix].filter(Boolean).join(' ');
  return family && rest ? `${family}, ${rest}` : family || rest;
}

/** DA '20200131' as '2020-01-31'; other text as it is. */
export function formatDate(da) {
  return /^\d{8}$/.test(da ?? '') ? `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}` : da ?? '';
}

/** TM '134501.123' as '13:45:01'. */
export function formatTime(tm) {
  const match = /^(\d{2})(\d{2})?(\d{2})?/.exec(tm ?? '');
  if (!match) return tm ?? '';
  return [match[1], match[2] ?? '00', match[3]].filter(Boolean).join(':');
}

/** '2020-01-31' (an <input type=date> value) as DA. */
export function toDA(isoDate) {
  return (isoDate ?? '').replaceAll('-', '');
}
