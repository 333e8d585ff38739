/**
 * The demo's institutions: one large university whose own asset database is the SQL source,
 * a rental company whose REST catalogue also lists partner companies' instruments, and the
 * small institutions that can only send a spreadsheet. About half sit in Nanshan.
 */
import type { InstitutionType } from '../../schema/terms.ts';

export type DemoSourceRole = 'university' | 'rental' | 'sheet';

export interface DemoInstitution {
  name: string;
  type: InstitutionType;
  district: string;
  address: string;
  source: DemoSourceRole;
  /** share of that source's instruments */
  weight: number;
}

const i = (name: string, type: InstitutionType, district: string, address: string, source: DemoSourceRole, weight: number): DemoInstitution =>
  ({ name, type, district, address, source, weight });

export const DEMO_INSTITUTIONS: readonly DemoInstitution[] = [
  i('深圳大学', 'UNIVERSITY', '南山区', '南山区南海大道3688号', 'university', 1),
  i('深圳市科仪共享服务有限公司', 'ENTERPRISE', '福田区', '福田区车公庙泰然九路7号', 'rental', 5),
  i('深圳华测检测技术股份有限公司', 'TESTING_AGENCY', '宝安区', '宝安区新安街道兴华路', 'rental', 3),
  i('深圳市微纳制造科技有限公司', 'ENTERPRISE', '龙华区', '龙华区观澜街道高新园', 'rental', 2),
  i('深圳先进光电技术有限公司', 'ENTERPRISE', '光明区', '光明区凤凰街道光侨路', 'rental', 1),
  i('南方科技大学', 'UNIVERSITY', '南山区', '南山区学苑大道1088号', 'sheet', 6),
  i('哈尔滨工业大学（深圳）', 'UNIVERSITY', '南山区', '南山区桃源街道深圳大学城', 'sheet', 6),
  i('清华大学深圳国际研究生院', 'UNIVERSITY', '南山区', '南山区西丽大学城', 'sheet', 6),
  i('北京大学深圳研究生院', 'UNIVERSITY', '南山区', '南山区西丽大学城', 'sheet', 5),
  i('中国科学院深圳先进技术研究院', 'RESEARCH_INSTITUTE', '南山区', '南山区西丽深圳大学城学苑大道1068号', 'sheet', 6),
  i('深圳湾实验室', 'RESEARCH_INSTITUTE', '光明区', '光明区光侨路', 'sheet', 4),
  i('鹏城实验室', 'RESEARCH_INSTITUTE', '南山区', '南山区兴科一街2号', 'sheet', 4),
  i('香港中文大学（深圳）', 'UNIVERSITY', '龙岗区', '龙岗区龙翔大道2001号', 'sheet', 4),
  i('深圳技术大学', 'UNIVERSITY', '坪山区', '坪山区兰田路3002号', 'sheet', 3),
  i('中山大学（深圳）', 'UNIVERSITY', '光明区', '光明区公常路66号', 'sheet', 4),
  i('北京大学深圳医院', 'HOSPITAL', '福田区', '福田区莲花路1120号', 'sheet', 2),
  i('深圳市人民医院', 'HOSPITAL', '罗湖区', '罗湖区东门北路1017号', 'sheet', 2),
  i('中山大学附属第七医院', 'HOSPITAL', '光明区', '光明区华夏路628号', 'sheet', 1.5),
  i('深圳市计量质量检测研究院', 'TESTING_AGENCY', '龙华区', '龙华区民治街道龙观西路4号', 'sheet', 3),
  i('深圳市检验检疫科学研究院', 'TESTING_AGENCY', '福田区', '福田区福强路1011号', 'sheet', 2),
  i('深圳市疾病预防控制中心', 'OTHER', '福田区', '福田区莲花街道', 'sheet', 1.5),
  i('深圳华大生命科学研究院', 'RESEARCH_INSTITUTE', '盐田区', '盐田区北山工业区', 'sheet', 3),
  i('深圳清华大学研究院', 'RESEARCH_INSTITUTE', '南山区', '南山区高新南七道019号', 'sheet', 3),
  i('深圳市大鹏新区海洋生态监测站', 'OTHER', '大鹏新区', '大鹏新区葵涌街道', 'sheet', 1),
  i('深圳市宝安区检测中心', 'TESTING_AGENCY', '宝安区', '宝安区新安街道创业一路', 'sheet', 1),
];
