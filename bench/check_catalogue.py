"""Benchmark: checking a whole county's catalogue (65 units, 10,000 power items).

Generates a realistic, valid county into a temporary folder (fixed random seed), verifies it
checks clean, then measures, best of ``--runs``:

* floor — reading and parsing every YAML file with PyYAML's C loader alone
  (``yaml.load(text, Loader=yaml.CSafeLoader)``);
* ours  — ``check_content(root)``: load the catalogue and apply every rule;

with a breakdown: ``load_catalogue`` alone (and, within it, ``read_yaml``), ``run_checks``
alone, and time in the cyclic gc. The runs go in rounds (floor, ours, load, checks) so all see
the same machine. Memory: peak RSS of ``check_content`` in a fresh interpreter (``getrusage``
RUSAGE_CHILDREN; that run also verifies the content checks clean), and the tracemalloc peak
inside a second fresh interpreter (run alongside, so tracing costs no extra wall time).

Targets: ours/floor <= 1.5x; peak RSS < 300 MB.

    python bench/check_catalogue.py                 # 65 units, 10,000 items, best of 3
    python bench/check_catalogue.py --runs 5
    python bench/check_catalogue.py --profile       # also: cProfile of check_content
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import functools
import gc
import io
import json
import math
import os
import platform
import pstats
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import yaml  # noqa: E402

from signage.catalogue.checking import check_content, collector_paused  # noqa: E402
from signage.catalogue.loader import load_catalogue  # noqa: E402
from signage.catalogue.rules import run_checks  # noqa: E402

TARGET_RATIO = 1.5
TARGET_RSS_MB = 300
ITEMS_PER_FILE = 60  # powers are split over powers-1.yaml, powers-2.yaml … of about this size

COUNTY = "台安县"
AREA_CODE = "0412"

# --------------------------------------------------------------------------------------------
# Vocabulary for realistic content
# --------------------------------------------------------------------------------------------

# (folder id, name, short name, code prefix, domain, 机关代字 for 文号)
UNITS: list[tuple[str, str, str, str, str, str]] = [
    ("fgj", "台安县发展和改革局", "县发改局", "FGJ", "fg", "台发改发"),
    ("jyj", "台安县教育局", "县教育局", "JYJ", "edu", "台教发"),
    ("kjj", "台安县科学技术局", "县科技局", "KJJ", "generic", "台科发"),
    ("gxj", "台安县工业和信息化局", "县工信局", "GXJ", "industry", "台工信发"),
    ("gaj", "台安县公安局", "县公安局", "GAJ", "police", "台公发"),
    ("mzj", "台安县民政局", "县民政局", "MZJ", "civil", "台民发"),
    ("sfj", "台安县司法局", "县司法局", "SFJ", "justice", "台司发"),
    ("czj", "台安县财政局", "县财政局", "CZJ", "finance", "台财发"),
    ("rsj", "台安县人力资源和社会保障局", "县人社局", "RSJ", "hr", "台人社发"),
    ("zrzyj", "台安县自然资源局", "县自然资源局", "ZRZYJ", "land", "台自然资发"),
    ("sthj", "鞍山市生态环境局台安分局", "台安生态环境分局", "STHJ", "env", "台环发"),
    ("zjj", "台安县住房和城乡建设局", "县住建局", "ZJJ", "housing", "台住建发"),
    ("jtj", "台安县交通运输局", "县交通局", "JTJ", "transport", "台交发"),
    ("slj", "台安县水利局", "县水利局", "SLJ", "water", "台水发"),
    ("nyncj", "台安县农业农村局", "县农业农村局", "NYNCJ", "agri", "台农发"),
    ("swj", "台安县商务局", "县商务局", "SWJ", "commerce", "台商发"),
    ("wlgdj", "台安县文化旅游和广播电视局", "县文旅局", "WLGDJ", "culture", "台文旅发"),
    ("wjj", "台安县卫生健康局", "县卫健局", "WJJ", "health", "台卫发"),
    ("tyjrj", "台安县退役军人事务局", "县退役军人局", "TYJRJ", "veterans", "台退役发"),
    ("yjglj", "台安县应急管理局", "县应急局", "YJGLJ", "safety", "台应急发"),
    ("sjj", "台安县审计局", "县审计局", "SJJ", "audit", "台审发"),
    ("scjgj", "台安县市场监督管理局", "县市场监管局", "SCJGJ", "market", "台市监发"),
    ("tjj", "台安县统计局", "县统计局", "TJJ", "stats", "台统发"),
    ("ybj", "台安县医疗保障局", "县医保局", "YBJ", "medins", "台医保发"),
    ("lcj", "台安县林业和草原局", "县林草局", "LCJ", "forest", "台林发"),
    ("cgzfj", "台安县城市管理综合行政执法局", "县城管执法局", "CGZFJ", "urban", "台城管发"),
    ("xzspj", "台安县行政审批局", "县行政审批局", "XZSPJ", "approval", "台审批发"),
    ("rfb", "台安县人民防空办公室", "县人防办", "RFB", "civdef", "台人防发"),
    ("dag", "台安县档案馆", "县档案馆", "DAG", "archives", "台档发"),
    ("qxj", "台安县气象局", "县气象局", "QXJ", "weather", "台气发"),
    ("swu", "国家税务总局台安县税务局", "县税务局", "SWU", "tax", "台税发"),
    ("xfjy", "台安县消防救援大队", "县消防救援大队", "XFJY", "fire", "台消发"),
    ("mzzj", "台安县民族和宗教事务局", "县民宗局", "MZZJ", "religion", "台民宗发"),
    ("yczmj", "台安县烟草专卖局", "县烟草专卖局", "YCZMJ", "tobacco", "台烟发"),
    ("cl", "台安县残疾人联合会", "县残联", "CL", "disabled", "台残联发"),
    ("tyzx", "台安县体育事业发展中心", "县体育中心", "TYZX", "sports", "台体发"),
    ("lszx", "台安县粮食和物资储备中心", "县粮储中心", "LSZX", "grain", "台粮发"),
    ("xfj", "台安县信访局", "县信访局", "XFJ", "generic", "台信发"),
    ("gxs", "台安县供销合作社联合社", "县供销社", "GXS", "generic", "台供销发"),
    ("zwfw", "台安县政务服务中心", "县政务服务中心", "ZWFW", "generic", "台政务发"),
    ("jgsw", "台安县机关事务服务中心", "县机关事务中心", "JGSW", "generic", "台机关发"),
    ("bjtjd", "台安县八角台街道办事处", "八角台街道", "BJTJD", "town", "台八街发"),
    ("taz", "台安县台安镇人民政府", "台安镇", "TAZ", "town", "台镇政发"),
    ("xtz", "台安县新台镇人民政府", "新台镇", "XTZ", "town", "新台政发"),
    ("slz", "台安县桑林镇人民政府", "桑林镇", "SLZ", "town", "桑政发"),
    ("glfz", "台安县高力房镇人民政府", "高力房镇", "GLFZ", "town", "高政发"),
    ("hstz", "台安县黄沙坨镇人民政府", "黄沙坨镇", "HSTZ", "town", "黄政发"),
    ("xkhz", "台安县新开河镇人民政府", "新开河镇", "XKHZ", "town", "新开政发"),
    ("fjz", "台安县富家镇人民政府", "富家镇", "FJZ", "town", "富政发"),
    ("dnz", "台安县达牛镇人民政府", "达牛镇", "DNZ", "town", "达政发"),
    ("jctz", "台安县韭菜台镇人民政府", "韭菜台镇", "JCTZ", "town", "韭政发"),
    ("xfz", "台安县西佛镇人民政府", "西佛镇", "XFZ", "town", "西佛政发"),
    ("xhz", "台安县新华镇人民政府", "新华镇", "XHZ", "town", "新华政发"),
    ("hdz", "台安县桓洞镇人民政府", "桓洞镇", "HDZ", "town", "桓政发"),
    ("cnjd", "台安县城南街道办事处", "城南街道", "CNJD", "town", "城南街发"),
    ("cbjd", "台安县城北街道办事处", "城北街道", "CBJD", "town", "城北街发"),
    ("hdjd", "台安县河东街道办事处", "河东街道", "HDJD", "town", "河东街发"),
    ("xltx", "台安县新立屯乡人民政府", "新立屯乡", "XLTX", "town", "新立政发"),
    ("hqx", "台安县红旗乡人民政府", "红旗乡", "HQX", "town", "红政发"),
    ("tpx", "台安县太平乡人民政府", "太平乡", "TPX", "town", "太政发"),
    ("dfz", "台安县东风镇人民政府", "东风镇", "DFZ", "town", "东政发"),
    ("shz", "台安县双河镇人民政府", "双河镇", "SHZ", "town", "双政发"),
    ("yax", "台安县永安乡人民政府", "永安乡", "YAX", "town", "永政发"),
    ("xlz", "台安县兴隆镇人民政府", "兴隆镇", "XLZ", "town", "兴政发"),
    ("qjx", "台安县前进乡人民政府", "前进乡", "QJX", "town", "前政发"),
]

POWER_TYPES = {
    "行政许可": "XK", "行政处罚": "CF", "行政强制": "QZ", "行政征收": "ZS", "行政给付": "JF",
    "行政检查": "JC", "行政确认": "QR", "行政奖励": "JL", "行政裁决": "CJ", "其他行政权力": "QT",
}
# Types where citizens apply: these carry time limits, materials, place, hours and fee.
APPLICATION_TYPES = frozenset(("行政许可", "行政确认", "行政给付", "行政奖励", "行政裁决"))
# How often each type occurs in a county catalogue (处罚 dominates), when the unit has it.
TYPE_WEIGHTS = {
    "行政处罚": 46, "行政许可": 12, "行政检查": 12, "行政强制": 7, "行政确认": 6,
    "行政给付": 4, "行政征收": 3, "行政奖励": 3, "行政裁决": 1, "其他行政权力": 6,
}
# Which vocabulary list names the items of each type (处罚/检查/强制 use subjects).
TYPE_LIST = {
    "行政许可": "permits", "行政确认": "confirms", "行政给付": "benefits", "行政征收": "levies",
    "行政奖励": "awards", "行政裁决": "rulings", "其他行政权力": "others",
}

GENERIC_VIOLATIONS = [
    "未按规定建立健全管理制度", "拒绝、阻碍监督检查", "提供虚假材料", "未按规定公示有关信息",
    "伪造、涂改、出租、出借许可证件", "超出核准范围从事经营活动", "未按规定报送有关资料",
    "未按规定履行报告义务", "以欺骗、贿赂等不正当手段取得许可", "逾期未改正违法行为",
    "未按规定保存相关记录", "未按规定开展从业人员培训", "未经批准擅自变更许可事项",
    "隐瞒有关情况或者提供虚假信息", "未按规定办理变更手续", "未按规定建立安全管理台账",
    "擅自停止运营或者转让经营权", "未落实岗位责任制度", "未按规定设置警示标志",
    "未按规定配备专职管理人员", "未按规定办理年度报告", "未按规定进行信息登记",
    "涂改、倒卖相关证明文件", "未按规定执行有关技术规范", "未按规定落实应急预案",
    "未按规定开展自查", "转借或者冒用他人资质证书",
]
GENERIC_SUBJECTS = ["生产经营单位", "经营者", "个人", "企业", "有关单位"]
GENERIC_SEIZED = [
    "违法从事经营活动的场所、设施", "用于违法活动的工具、设备", "有关证据材料",
    "涉嫌违法的物品", "来源不明的财物",
]
GENERIC_OTHERS = ["有关事项备案", "行政调解", "政府信息公开申请办理", "行政复议意见书执行情况监督"]
GENERIC_LAWS = ["中华人民共和国行政处罚法", "中华人民共和国行政强制法"]

DOMAINS: dict[str, dict[str, list[str]]] = {
    "generic": {
        "laws": ["中华人民共和国行政许可法", "辽宁省行政执法条例", "中华人民共和国政府信息公开条例"],
        "subjects": ["有关单位", "社会组织", "企业事业单位"],
        "violations": [], "permits": [], "others": ["专项资金项目申报审核", "年度工作目标考核"],
        "depts": ["综合科", "业务科", "法规科"],
        "topics": ["政务公开", "优化营商环境"],
    },
    "fg": {
        "laws": ["中华人民共和国价格法", "企业投资项目核准和备案管理条例", "中华人民共和国节约能源法",
                 "政府投资条例", "中华人民共和国招标投标法"],
        "subjects": ["项目单位", "招标人", "投标人", "用能单位", "经营者"],
        "violations": ["未按规定进行节能审查擅自开工建设", "不执行政府指导价", "规避招标",
                       "以不正当手段取得项目核准文件"],
        "permits": ["企业投资项目核准", "固定资产投资项目节能审查", "政府投资项目可行性研究报告审批"],
        "awards": ["在节能工作中做出显著成绩的单位和个人"],
        "others": ["企业投资项目备案", "价格认定"],
        "depts": ["投资科", "价格监督检查科", "能源科", "法规科"],
        "topics": ["重点项目建设", "节能降耗"],
    },
    "edu": {
        "laws": ["中华人民共和国教育法", "中华人民共和国义务教育法", "中华人民共和国民办教育促进法",
                 "中华人民共和国教师法", "校外培训行政处罚暂行办法"],
        "subjects": ["民办学校", "校外培训机构", "幼儿园", "学校"],
        "violations": ["擅自分立、合并民办学校", "违规招收学生", "未经批准擅自举办学校",
                       "违反国家有关规定收取费用", "发布虚假招生简章"],
        "permits": ["民办学校办学许可", "教师资格认定", "校外培训机构设立审批"],
        "confirms": ["中小学教师资格认定", "学历证明核发"],
        "benefits": ["家庭经济困难学生生活补助", "学前教育资助"],
        "awards": ["在教育工作中做出突出贡献的学校和教师"],
        "others": ["民办学校章程备案", "中小学校舍安全检查"],
        "depts": ["基础教育科", "民办教育科", "人事科", "学生资助管理中心"],
        "topics": ["义务教育招生入学", "校外培训治理"],
    },
    "industry": {
        "laws": ["中华人民共和国节约能源法", "中华人民共和国电力法", "中华人民共和国无线电管理条例",
                 "中华人民共和国清洁生产促进法"],
        "subjects": ["工业企业", "用电单位", "重点用能单位"],
        "violations": ["使用国家明令淘汰的用能设备", "未按规定开展能源审计", "擅自改变用电类别"],
        "permits": ["电力设施保护区内施工作业许可"],
        "awards": ["在中小企业发展中成绩显著的单位"],
        "others": ["技术改造项目备案", "工业企业技术中心认定"],
        "depts": ["工业科", "节能与综合利用科", "中小企业服务中心"],
        "topics": ["工业稳增长", "中小企业纾困"],
    },
    "police": {
        "laws": ["中华人民共和国治安管理处罚法", "中华人民共和国道路交通安全法",
                 "中华人民共和国居民身份证法", "中华人民共和国枪支管理法", "中华人民共和国消防法",
                 "民用爆炸物品安全管理条例", "旅馆业治安管理办法"],
        "subjects": ["旅馆", "机动车驾驶人", "娱乐场所", "公章刻制企业", "互联网上网服务营业场所"],
        "violations": ["未按规定登记住宿旅客信息", "饮酒后驾驶机动车", "未按规定安装监控设备",
                       "违反规定刻制公章", "扰乱公共秩序"],
        "permits": ["旅馆业特种行业许可", "公章刻制业特种行业许可", "剧毒化学品购买许可",
                    "大型群众性活动安全许可", "烟花爆竹道路运输许可"],
        "confirms": ["居民身份证核发", "户口迁移登记", "机动车登记"],
        "seized": ["违法车辆", "管制器具", "非法财物"],
        "rulings": [],
        "others": ["保安服务公司分公司备案", "无犯罪记录证明开具"],
        "depts": ["治安管理大队", "交通警察大队", "户政管理科", "法制大队"],
        "topics": ["平安建设", "道路交通安全整治"],
    },
    "civil": {
        "laws": ["社会救助暂行办法", "殡葬管理条例", "社会团体登记管理条例", "中华人民共和国老年人权益保障法",
                 "民办非企业单位登记管理暂行条例", "中华人民共和国慈善法"],
        "subjects": ["社会团体", "民办非企业单位", "殡葬服务单位", "养老机构", "慈善组织"],
        "violations": ["未按规定办理年度检查", "擅自兴建殡葬设施", "未按规定提供养老服务",
                       "超出章程规定的宗旨和业务范围进行活动"],
        "permits": ["社会团体成立登记", "民办非企业单位成立登记", "公墓建设审批"],
        "confirms": ["最低生活保障对象认定", "特困人员认定", "婚姻登记"],
        "benefits": ["最低生活保障金", "特困人员救助供养金", "临时救助金", "高龄津贴",
                     "困难残疾人生活补贴"],
        "awards": ["在社会救助工作中做出显著成绩的单位和个人"],
        "rulings": ["行政区域界线争议裁决"],
        "others": ["慈善组织公开募捐资格审核", "养老机构备案"],
        "depts": ["社会救助科", "社会事务科", "社会组织管理局", "养老服务科"],
        "topics": ["社会救助兜底保障", "养老服务质量提升"],
    },
    "justice": {
        "laws": ["中华人民共和国律师法", "中华人民共和国人民调解法", "法律援助条例",
                 "中华人民共和国公证法", "司法鉴定程序通则"],
        "subjects": ["律师事务所", "基层法律服务所", "司法鉴定机构", "公证机构"],
        "violations": ["私自接受委托收取费用", "以诋毁其他律师的方式承揽业务", "超出执业范围执业"],
        "permits": ["基层法律服务工作者执业核准"],
        "confirms": ["法律援助经济困难状况审查"],
        "benefits": ["法律援助补贴"],
        "awards": ["人民调解工作先进集体和个人"],
        "others": ["人民调解员备案", "法律援助申请审查"],
        "depts": ["公共法律服务管理科", "法律援助中心", "人民参与和促进法治科"],
        "topics": ["法治宣传教育", "人民调解"],
    },
    "finance": {
        "laws": ["中华人民共和国会计法", "中华人民共和国政府采购法", "财政违法行为处罚处分条例",
                 "中华人民共和国预算法"],
        "subjects": ["代理记账机构", "政府采购代理机构", "采购人", "供应商"],
        "violations": ["未按规定设置会计账簿", "以不合理条件对供应商实行差别待遇", "虚报冒领财政资金"],
        "permits": ["代理记账资格审批"],
        "awards": ["在会计工作中成绩显著的会计人员"],
        "others": ["政府采购投诉处理", "会计人员信息采集"],
        "depts": ["会计科", "政府采购办公室", "监督检查科"],
        "topics": ["预算绩效管理", "会计信息质量检查"],
    },
    "hr": {
        "laws": ["中华人民共和国劳动合同法", "中华人民共和国社会保险法", "工伤保险条例",
                 "劳动保障监察条例", "中华人民共和国就业促进法", "保障农民工工资支付条例"],
        "subjects": ["用人单位", "职业中介机构", "人力资源服务机构", "施工总承包单位"],
        "violations": ["未依法签订劳动合同", "克扣或者无故拖欠劳动者工资", "未按规定缴纳社会保险费",
                       "违反规定延长劳动者工作时间"],
        "permits": ["人力资源服务许可", "劳务派遣经营许可"],
        "confirms": ["工伤认定", "劳动能力鉴定", "就业困难人员认定"],
        "benefits": ["失业保险金", "工伤保险待遇", "一次性创业补贴", "社会保险补贴"],
        "levies": [],
        "awards": ["在就业工作中做出显著成绩的单位和个人"],
        "rulings": ["劳动人事争议仲裁"],
        "others": ["企业实行特殊工时制度审批", "集体合同审查"],
        "depts": ["劳动保障监察大队", "就业服务中心", "工伤保险科", "劳动人事争议仲裁院"],
        "topics": ["根治欠薪", "稳就业促就业"],
    },
    "land": {
        "laws": ["中华人民共和国土地管理法", "中华人民共和国城乡规划法", "中华人民共和国矿产资源法",
                 "中华人民共和国测绘法", "不动产登记暂行条例", "地质灾害防治条例"],
        "subjects": ["用地单位", "采矿权人", "测绘单位", "建设单位"],
        "violations": ["非法占用土地", "未取得采矿许可证擅自采矿", "未取得建设工程规划许可证进行建设",
                       "超越资质等级许可的范围从事测绘活动"],
        "permits": ["建设用地规划许可证核发", "建设工程规划许可证核发", "乡村建设规划许可证核发",
                    "采矿权新立登记", "临时用地审批"],
        "confirms": ["不动产首次登记", "不动产转移登记", "不动产抵押登记"],
        "levies": ["土地闲置费", "耕地开垦费"],
        "rulings": ["土地权属争议裁决"],
        "others": ["地质灾害危险性评估备案", "测绘成果提供"],
        "depts": ["国土空间规划科", "不动产登记中心", "执法监察大队", "耕地保护科"],
        "topics": ["耕地保护", "国土空间规划"],
    },
    "env": {
        "laws": ["中华人民共和国环境保护法", "中华人民共和国大气污染防治法",
                 "中华人民共和国水污染防治法", "中华人民共和国固体废物污染环境防治法",
                 "中华人民共和国环境影响评价法", "排污许可管理条例"],
        "subjects": ["排污单位", "建设单位", "危险废物经营单位", "机动车检验机构"],
        "violations": ["未依法取得排污许可证排放污染物", "超过排放标准排放大气污染物",
                       "未依法报批建设项目环境影响报告书", "通过暗管、渗井偷排污染物",
                       "未按规定贮存危险废物"],
        "permits": ["排污许可证核发", "建设项目环境影响报告书审批", "建设项目环境影响报告表审批"],
        "seized": ["造成污染物排放的设施、设备"],
        "others": ["突发环境事件应急预案备案", "建设项目环境影响登记表备案"],
        "depts": ["环境影响评价股", "生态环境保护综合行政执法队", "大气环境股"],
        "topics": ["蓝天保卫战", "入河排污口整治"],
    },
    "housing": {
        "laws": ["中华人民共和国建筑法", "建设工程质量管理条例", "建设工程安全生产管理条例",
                 "物业管理条例", "城镇燃气管理条例", "中华人民共和国城市房地产管理法"],
        "subjects": ["建设单位", "施工单位", "监理单位", "物业服务企业", "燃气经营企业",
                     "房地产开发企业"],
        "violations": ["未取得施工许可证擅自施工", "未组织竣工验收擅自交付使用", "违反工程建设强制性标准",
                       "未按规定办理商品房预售许可", "未取得燃气经营许可证从事燃气经营"],
        "permits": ["建筑工程施工许可证核发", "商品房预售许可", "燃气经营许可证核发",
                    "城市建筑垃圾处置核准"],
        "confirms": ["房屋交易合同网签备案", "建设工程竣工验收备案"],
        "benefits": ["公共租赁住房租赁补贴"],
        "levies": ["城市基础设施配套费"],
        "awards": ["建设工程优质工程奖"],
        "others": ["房屋建筑工程竣工验收备案", "物业服务企业备案"],
        "depts": ["建筑管理科", "房地产市场管理科", "城建科", "住房保障中心"],
        "topics": ["老旧小区改造", "建筑施工安全"],
    },
    "transport": {
        "laws": ["中华人民共和国公路法", "中华人民共和国道路运输条例", "公路安全保护条例",
                 "中华人民共和国安全生产法"],
        "subjects": ["道路运输经营者", "机动车维修经营者", "驾驶员培训机构", "客运站经营者"],
        "violations": ["未取得道路运输经营许可擅自从事道路运输经营", "车辆超限超载运输",
                       "擅自占用、挖掘公路", "未按规定维护和检测运输车辆"],
        "permits": ["道路旅客运输经营许可", "道路货物运输经营许可", "占用、挖掘公路许可",
                    "超限运输车辆行驶公路许可"],
        "seized": ["非法营运车辆"],
        "others": ["机动车维修经营备案", "道路运输从业人员诚信考核"],
        "depts": ["运输管理科", "公路管理站", "交通运输综合行政执法队"],
        "topics": ["“四好农村路”建设", "道路运输安全"],
    },
    "water": {
        "laws": ["中华人民共和国水法", "中华人民共和国防洪法", "中华人民共和国河道管理条例",
                 "取水许可和水资源费征收管理条例", "中华人民共和国水土保持法"],
        "subjects": ["取水单位", "生产建设单位", "河道采砂单位"],
        "violations": ["未经批准擅自取水", "在河道管理范围内建设妨碍行洪的建筑物",
                       "未经批准在河道内采砂", "未编制水土保持方案"],
        "permits": ["取水许可", "河道采砂许可", "生产建设项目水土保持方案审批",
                    "洪水影响评价类审批"],
        "levies": ["水资源费", "水土保持补偿费"],
        "rulings": ["水事纠纷裁决"],
        "others": ["农村集中供水工程验收"],
        "depts": ["水资源管理股", "河湖管理股", "水政监察大队"],
        "topics": ["河长制", "防汛抗旱"],
    },
    "agri": {
        "laws": ["中华人民共和国农产品质量安全法", "中华人民共和国动物防疫法", "中华人民共和国种子法",
                 "农药管理条例", "兽药管理条例", "中华人民共和国农村土地承包法", "生猪屠宰管理条例"],
        "subjects": ["农药经营者", "种子生产经营者", "动物饲养场", "生猪定点屠宰厂", "兽药经营企业"],
        "violations": ["经营假农药", "销售未经审定的农作物品种", "未按规定对动物进行免疫",
                       "屠宰病害生猪", "未建立农药经营台账"],
        "permits": ["农药经营许可", "农作物种子生产经营许可", "动物防疫条件合格证核发",
                    "兽药经营许可证核发", "农村村民宅基地审批"],
        "confirms": ["农村土地承包经营权登记", "家庭农场认定"],
        "benefits": ["耕地地力保护补贴", "农机购置补贴"],
        "seized": ["染疫或者疑似染疫的动物产品", "假劣农药"],
        "rulings": ["农村土地承包经营纠纷调解仲裁"],
        "others": ["农民专业合作社示范社评定"],
        "depts": ["农产品质量安全监管站", "畜牧发展服务中心", "农业综合行政执法队", "种植业管理科"],
        "topics": ["春季农业生产", "农产品质量安全"],
    },
    "commerce": {
        "laws": ["单用途商业预付卡管理办法", "中华人民共和国对外贸易法", "成品油市场管理办法",
                 "报废机动车回收管理办法"],
        "subjects": ["发卡企业", "成品油零售企业", "报废机动车回收企业", "拍卖企业"],
        "violations": ["未按规定办理单用途预付卡备案", "未按规定建立回收车辆档案",
                       "拆解的报废机动车“五大总成”未按规定处理"],
        "permits": ["成品油零售经营资格审批", "报废机动车回收拆解企业资质认定"],
        "others": ["对外贸易经营者备案", "单用途商业预付卡发卡企业备案"],
        "depts": ["市场运行科", "外贸外资科", "流通业发展科"],
        "topics": ["消费促进月", "外贸稳规模"],
    },
    "culture": {
        "laws": ["中华人民共和国文物保护法", "娱乐场所管理条例", "营业性演出管理条例",
                 "互联网上网服务营业场所管理条例", "中华人民共和国旅游法", "旅行社条例"],
        "subjects": ["娱乐场所", "互联网上网服务营业场所", "旅行社", "演出经纪机构", "文物保护单位管理者"],
        "violations": ["接纳未成年人进入营业场所", "擅自从事营业性演出经营活动",
                       "未按规定核对登记上网消费者身份", "旅行社未与旅游者签订书面合同",
                       "擅自在文物保护单位保护范围内进行建设工程"],
        "permits": ["娱乐场所经营许可", "营业性演出审批", "互联网上网服务营业场所经营许可",
                    "旅行社设立许可"],
        "awards": ["在文物保护工作中做出突出贡献的单位和个人"],
        "others": ["文物保护单位保护范围内建设工程审核", "艺术品经营单位备案"],
        "depts": ["文化市场综合行政执法队", "文物科", "旅游发展科", "广播电视科"],
        "topics": ["文化惠民", "文化市场安全检查"],
    },
    "health": {
        "laws": ["中华人民共和国医师法", "中华人民共和国传染病防治法", "医疗机构管理条例",
                 "中华人民共和国母婴保健法", "公共场所卫生管理条例", "中华人民共和国职业病防治法"],
        "subjects": ["医疗机构", "公共场所经营者", "集中式供水单位", "消毒产品生产企业", "医师"],
        "violations": ["使用非卫生技术人员从事医疗卫生技术工作", "未取得医疗机构执业许可证擅自执业",
                       "未取得公共场所卫生许可证擅自营业", "未按规定报告传染病疫情",
                       "医疗废物管理不符合规定"],
        "permits": ["医疗机构执业登记", "公共场所卫生许可", "放射诊疗许可", "母婴保健技术服务执业许可",
                    "饮用水供水单位卫生许可"],
        "confirms": ["出生医学证明签发", "医师执业注册"],
        "benefits": ["计划生育家庭特别扶助金", "农村部分计划生育家庭奖励扶助金"],
        "awards": ["在传染病防治工作中做出显著成绩的单位和个人"],
        "others": ["医疗机构设置审批", "护士执业注册"],
        "depts": ["医政医管科", "卫生健康监督所", "疾病预防控制中心", "基层卫生科"],
        "topics": ["传染病防控", "基层医疗服务能力提升"],
    },
    "veterans": {
        "laws": ["中华人民共和国退役军人保障法", "军人抚恤优待条例", "烈士褒扬条例", "退役士兵安置条例"],
        "subjects": ["接收安置单位", "优抚对象"],
        "violations": ["拒绝或者无正当理由延迟接收安置退役士兵", "冒领抚恤金、优待金"],
        "confirms": ["伤残等级评定", "烈士遗属身份认定"],
        "benefits": ["伤残抚恤金", "定期抚恤金", "退役士兵一次性经济补助", "优抚对象医疗补助"],
        "awards": ["在拥军优属工作中做出显著成绩的单位和个人"],
        "others": ["退役士兵安置", "光荣牌悬挂"],
        "depts": ["优抚科", "移交安置科", "退役军人服务中心"],
        "topics": ["拥军优属", "退役军人就业创业"],
    },
    "safety": {
        "laws": ["中华人民共和国安全生产法", "危险化学品安全管理条例", "烟花爆竹安全管理条例",
                 "生产安全事故应急条例", "工贸企业有限空间作业安全规定"],
        "subjects": ["生产经营单位", "危险化学品经营企业", "烟花爆竹零售经营者", "工贸企业"],
        "violations": ["未按规定对从业人员进行安全生产教育和培训", "未按规定配备安全生产管理人员",
                       "未建立事故隐患排查治理制度", "未取得经营许可证经营危险化学品",
                       "特种作业人员未取得相应资格上岗作业"],
        "permits": ["危险化学品经营许可", "烟花爆竹零售经营许可"],
        "seized": ["不符合安全生产标准的设施、设备、器材", "违法生产经营的危险物品"],
        "awards": ["在安全生产工作中做出显著成绩的单位和个人", "举报安全生产重大事故隐患的有功人员"],
        "others": ["生产安全事故应急预案备案", "生产安全事故调查处理"],
        "depts": ["安全生产执法大队", "危险化学品监管科", "应急救援指挥中心"],
        "topics": ["安全生产大检查", "森林防灭火"],
    },
    "audit": {
        "laws": ["中华人民共和国审计法", "中华人民共和国审计法实施条例", "财政违法行为处罚处分条例"],
        "subjects": ["被审计单位"],
        "violations": ["拒绝或者拖延提供与审计事项有关的资料", "转移、隐匿、篡改会计资料",
                       "违反国家规定的财政收支行为"],
        "seized": ["与违法行为有关的会计资料"],
        "others": ["审计决定执行情况检查", "内部审计工作指导"],
        "depts": ["财政审计股", "经济责任审计股", "法规审理股"],
        "topics": ["审计整改", "经济责任审计"],
    },
    "market": {
        "laws": ["中华人民共和国食品安全法", "中华人民共和国产品质量法", "中华人民共和国计量法",
                 "中华人民共和国特种设备安全法", "中华人民共和国广告法", "中华人民共和国药品管理法",
                 "中华人民共和国消费者权益保护法", "医疗器械监督管理条例", "化妆品监督管理条例"],
        "subjects": ["食品生产者", "食品经营者", "餐饮服务提供者", "特种设备使用单位", "广告主",
                     "药品零售企业", "医疗器械经营企业", "化妆品经营者", "计量器具使用者"],
        "violations": ["经营超过保质期的食品", "使用未经检验的特种设备", "发布虚假广告",
                       "销售不符合保障人体健康标准的产品", "使用不合格的计量器具",
                       "销售劣药"],
        "permits": ["食品经营许可", "食品生产许可", "药品零售企业经营许可", "计量标准器具核准",
                    "特种设备安全管理和作业人员资格认定", "第三类医疗器械经营许可"],
        "confirms": ["特种设备使用登记", "市场主体设立登记", "市场主体变更登记"],
        "seized": ["不符合食品安全标准的食品", "假冒伪劣产品", "存在严重事故隐患的特种设备",
                   "违法使用的原料、辅料"],
        "awards": ["举报食品安全违法行为的有功人员"],
        "others": ["第二类医疗器械经营备案", "食品小作坊登记"],
        "depts": ["食品经营监管股", "特种设备安全监察股", "市场监管综合行政执法队", "登记注册股",
                  "药品医疗器械监管股"],
        "topics": ["食品安全专项整治", "“双随机、一公开”监管"],
    },
    "stats": {
        "laws": ["中华人民共和国统计法", "中华人民共和国统计法实施条例"],
        "subjects": ["统计调查对象", "统计人员"],
        "violations": ["拒绝提供统计资料", "提供不真实或者不完整的统计资料", "迟报统计资料",
                       "未按照国家有关规定设置原始记录、统计台账"],
        "awards": ["在统计工作中做出突出贡献的单位和个人"],
        "others": ["统计调查项目审批", "统计资料提供"],
        "depts": ["统计执法检查大队", "综合统计股", "普查中心"],
        "topics": ["经济普查", "统计造假专项治理"],
    },
    "medins": {
        "laws": ["医疗保障基金使用监督管理条例", "中华人民共和国社会保险法"],
        "subjects": ["定点医药机构", "参保人员"],
        "violations": ["分解住院、挂床住院", "串换药品、医用耗材", "诱导、协助他人冒名就医",
                       "重复收费、超标准收费"],
        "confirms": ["门诊慢特病待遇认定", "异地就医备案"],
        "benefits": ["医疗救助金", "生育保险待遇"],
        "others": ["定点医药机构协议管理", "医疗费用手工报销"],
        "depts": ["医药服务管理股", "基金监管股", "医疗保险事务服务中心"],
        "topics": ["医保基金监管", "参保缴费"],
    },
    "forest": {
        "laws": ["中华人民共和国森林法", "中华人民共和国野生动物保护法", "中华人民共和国草原法",
                 "森林防火条例", "植物检疫条例"],
        "subjects": ["林业经营者", "木材经营加工企业", "野生动物经营者"],
        "violations": ["滥伐林木", "未经批准擅自改变林地用途", "非法猎捕野生动物",
                       "在森林防火区野外用火"],
        "permits": ["林木采伐许可证核发", "使用林地审核", "野生动物人工繁育许可",
                    "森林高火险期内进入森林高火险区审批"],
        "seized": ["非法采伐的林木", "非法猎捕的野生动物"],
        "rulings": ["林木林地权属争议裁决"],
        "others": ["林木种子生产经营备案"],
        "depts": ["资源管理股", "森林防火办公室", "林业综合行政执法队"],
        "topics": ["森林防火", "国土绿化"],
    },
    "urban": {
        "laws": ["城市市容和环境卫生管理条例", "城市绿化条例", "城镇排水与污水处理条例",
                 "辽宁省城市市容和环境卫生管理条例", "城市道路管理条例"],
        "subjects": ["沿街商户", "施工单位", "户外广告设置人", "建筑垃圾运输单位"],
        "violations": ["擅自设置户外广告", "占用城市道路从事经营活动", "随意倾倒建筑垃圾",
                       "擅自砍伐城市树木", "运输渣土车辆沿途撒漏"],
        "permits": ["城市道路占用挖掘许可", "设置大型户外广告审批", "砍伐城市树木审批",
                    "城镇污水排入排水管网许可"],
        "seized": ["违法设置的户外广告设施", "占道经营的物品"],
        "others": ["环境卫生责任区划定"],
        "depts": ["市容环境卫生管理科", "城市管理综合执法大队", "园林绿化中心"],
        "topics": ["城市环境综合整治", "门前三包"],
    },
    "approval": {
        "laws": ["中华人民共和国行政许可法", "中华人民共和国食品安全法", "中华人民共和国建筑法",
                 "中华人民共和国道路运输条例", "辽宁省优化营商环境条例"],
        "subjects": ["被许可人"],
        "violations": ["以欺骗、贿赂等不正当手段取得行政许可"],
        "permits": ["食品经营许可", "建筑工程施工许可证核发", "道路货物运输经营许可",
                    "公共场所卫生许可", "娱乐场所经营许可", "人力资源服务许可", "取水许可",
                    "药品零售企业经营许可", "排污许可证核发", "燃气经营许可证核发",
                    "道路旅客运输经营许可", "旅行社设立许可", "医疗机构执业登记",
                    "危险化学品经营许可", "农药经营许可", "民办学校办学许可"],
        "others": ["一件事一次办联办审批", "证照分离改革事项告知承诺"],
        "depts": ["社会事务审批科", "市场准入审批科", "投资建设审批科", "综合受理窗口"],
        "topics": ["“一网通办”", "证照分离改革"],
    },
    "civdef": {
        "laws": ["中华人民共和国人民防空法", "辽宁省实施〈中华人民共和国人民防空法〉办法"],
        "subjects": ["建设单位", "人防工程使用单位"],
        "violations": ["不按照国家规定修建战时可用于防空的地下室", "擅自拆除人民防空工程",
                       "不按照国家规定的防护标准和质量标准修建人民防空工程"],
        "permits": ["人民防空工程拆除审批", "结合民用建筑修建防空地下室审批"],
        "levies": ["防空地下室易地建设费"],
        "others": ["人防工程竣工验收备案"],
        "depts": ["工程建设管理科", "人防指挥信息保障中心"],
        "topics": ["防空警报试鸣", "人防宣传教育"],
    },
    "archives": {
        "laws": ["中华人民共和国档案法", "中华人民共和国档案法实施条例"],
        "subjects": ["档案形成单位", "档案服务企业"],
        "violations": ["擅自提供、抄录、复制档案", "涂改、伪造档案", "损毁、丢失属于国家所有的档案"],
        "confirms": ["档案查阅利用证明出具"],
        "awards": ["在档案收集、整理、保护、利用工作中做出显著成绩的单位和个人"],
        "others": ["档案移交接收", "档案查阅利用"],
        "depts": ["档案接收征集科", "利用服务科", "监督指导科"],
        "topics": ["档案开放审核", "国际档案日宣传"],
    },
    "weather": {
        "laws": ["中华人民共和国气象法", "气象灾害防御条例", "气象设施和气象探测环境保护条例"],
        "subjects": ["施放气球单位", "防雷装置检测单位"],
        "violations": ["未取得施放气球资质证从事施放气球活动", "危害气象探测环境",
                       "防雷装置未经验收擅自投入使用"],
        "permits": ["升放无人驾驶自由气球或者系留气球活动审批", "雷电防护装置设计审核",
                    "雷电防护装置竣工验收"],
        "others": ["气象灾害预警信息发布"],
        "depts": ["防灾减灾科", "气象台", "防雷技术服务中心"],
        "topics": ["气象防灾减灾", "汛期气象服务"],
    },
    "tax": {
        "laws": ["中华人民共和国税收征收管理法", "中华人民共和国发票管理办法",
                 "中华人民共和国个人所得税法", "中华人民共和国企业所得税法"],
        "subjects": ["纳税人", "扣缴义务人"],
        "violations": ["未按照规定期限办理纳税申报", "未按照规定设置、保管账簿",
                       "未按规定开具发票", "逃避缴纳税款"],
        "permits": ["增值税专用发票最高开票限额审批", "对纳税人延期缴纳税款的核准"],
        "confirms": ["纳税信用级别评定", "非居民企业享受税收协定待遇备案"],
        "levies": ["城镇土地使用税", "房产税", "耕地占用税"],
        "seized": ["纳税人价值相当于应纳税款的商品、货物"],
        "awards": ["检举税收违法行为的奖励"],
        "others": ["纳税人涉税事项备案"],
        "depts": ["纳税服务股", "征收管理股", "税务稽查局", "法制股"],
        "topics": ["减税降费", "便民办税春风行动"],
    },
    "fire": {
        "laws": ["中华人民共和国消防法", "辽宁省消防条例", "机关、团体、企业、事业单位消防安全管理规定"],
        "subjects": ["公众聚集场所", "消防安全重点单位", "消防技术服务机构"],
        "violations": ["占用、堵塞、封闭疏散通道、安全出口", "消防设施、器材未保持完好有效",
                       "公众聚集场所未经消防安全检查擅自投入使用", "埋压、圈占、遮挡消火栓"],
        "permits": ["公众聚集场所投入使用、营业前消防安全检查"],
        "seized": ["危害公共安全的违法场所"],
        "others": ["消防安全重点单位界定"],
        "depts": ["防火监督科", "消防宣传科"],
        "topics": ["冬春火灾防控", "消防宣传月"],
    },
    "religion": {
        "laws": ["宗教事务条例", "宗教活动场所设立审批和登记办法"],
        "subjects": ["宗教活动场所", "宗教团体"],
        "violations": ["未按规定办理变更登记", "擅自举行大型宗教活动", "违反规定接受境外捐赠"],
        "permits": ["宗教活动场所设立审批", "宗教活动场所内改建或者新建建筑物审批"],
        "confirms": ["宗教活动场所登记"],
        "others": ["宗教教职人员备案"],
        "depts": ["民族工作股", "宗教事务股"],
        "topics": ["民族团结进步", "宗教活动场所安全"],
    },
    "tobacco": {
        "laws": ["中华人民共和国烟草专卖法", "中华人民共和国烟草专卖法实施条例"],
        "subjects": ["烟草制品零售户", "运输企业"],
        "violations": ["无烟草专卖零售许可证经营烟草制品零售业务", "在他人处购进卷烟",
                       "向未成年人出售烟草制品", "无准运证运输烟草专卖品"],
        "permits": ["烟草专卖零售许可证核发"],
        "seized": ["无合法证明的烟草专卖品"],
        "others": ["烟草专卖零售许可证延续"],
        "depts": ["专卖监督管理科", "稽查大队"],
        "topics": ["护航青少年成长", "卷烟市场净化"],
    },
    "disabled": {
        "laws": ["中华人民共和国残疾人保障法", "残疾人就业条例", "残疾预防和残疾人康复条例"],
        "subjects": ["用人单位"],
        "violations": ["未按比例安排残疾人就业"],
        "confirms": ["残疾人证核发", "残疾等级评定"],
        "benefits": ["残疾儿童康复救助", "重度残疾人护理补贴", "残疾人辅助器具适配补贴"],
        "awards": ["在残疾人事业中做出显著成绩的单位和个人"],
        "others": ["残疾人就业保障金减免审核"],
        "depts": ["康复部", "教育就业部", "维权部"],
        "topics": ["全国助残日", "残疾人康复服务"],
    },
    "sports": {
        "laws": ["中华人民共和国体育法", "全民健身条例", "经营高危险性体育项目许可管理办法"],
        "subjects": ["高危险性体育项目经营者", "体育赛事活动组织者"],
        "violations": ["未经批准擅自经营高危险性体育项目", "体育赛事活动组织者未落实安全措施"],
        "permits": ["经营高危险性体育项目许可"],
        "awards": ["在全民健身工作中做出突出贡献的单位和个人"],
        "others": ["社会体育指导员技术等级认定"],
        "depts": ["群众体育科", "竞技体育科"],
        "topics": ["全民健身", "体育惠民"],
    },
    "grain": {
        "laws": ["粮食流通管理条例", "中央储备粮管理条例", "中华人民共和国粮食安全保障法"],
        "subjects": ["粮食经营者", "粮食储备企业"],
        "violations": ["未按规定建立粮食经营台账", "以陈顶新、以次充好", "未按规定执行粮食质量标准"],
        "others": ["粮食收购企业备案"],
        "depts": ["仓储管理科", "粮食行政执法队"],
        "topics": ["秋粮收购", "粮食安全宣传周"],
    },
    "town": {
        "laws": ["中华人民共和国土地管理法", "中华人民共和国城乡规划法", "社会救助暂行办法",
                 "中华人民共和国人民调解法", "中华人民共和国森林法", "中华人民共和国村民委员会组织法",
                 "辽宁省乡镇人民政府街道办事处行政执法条例"],
        "subjects": ["农村村民", "个人", "生产经营单位", "施工单位"],
        "violations": ["未经批准或者采取欺骗手段骗取批准非法占用土地建住宅",
                       "未依法取得乡村建设规划许可证进行建设", "在禁火期内野外用火",
                       "违反规定焚烧秸秆", "擅自占用公共场地堆放物料"],
        "permits": ["农村村民宅基地审批", "乡村建设规划许可证核发"],
        "confirms": ["农村低收入人口认定初审", "独生子女父母光荣证核发"],
        "benefits": ["临时救助金", "困难群众慰问金"],
        "awards": ["在基层治理工作中表现突出的村（社区）"],
        "rulings": ["村民之间林木林地权属争议处理"],
        "others": ["村民委员会选举指导", "民间纠纷调解"],
        "depts": ["党政综合办公室", "综合行政执法办公室", "便民服务中心", "社会事务办公室",
                  "农业农村办公室"],
        "topics": ["人居环境整治", "秸秆禁烧"],
    },
}

MATERIALS = {
    "行政许可": ["{thing}申请表", "申请人身份证明", "营业执照或者法人登记证书复印件",
                 "经营或者作业场所使用证明", "主要设施设备清单", "相关管理制度文本",
                 "从业人员资格证明", "委托他人办理的，提交授权委托书及受托人身份证明"],
    "行政确认": ["{thing}申请表", "申请人身份证明", "户口簿", "相关证明材料原件及复印件",
                 "近期一寸免冠照片2张"],
    "行政给付": ["{thing}申请书", "申请人身份证明", "户口簿", "家庭收入及财产状况说明",
                 "本人银行账户信息", "村（社区）出具的相关证明"],
    "行政奖励": ["奖励推荐表", "事迹材料", "相关证明材料"],
    "行政裁决": ["裁决申请书", "申请人身份证明", "争议事实及相关证据材料", "权属来源证明"],
}
CONDITIONS = {
    "行政许可": ["申请人具有相应的民事行为能力或者依法登记设立；",
                 "具有与申请事项相适应的场所、设施设备和专业人员；",
                 "具有健全的管理制度和安全防范措施；", "符合法律、法规规定的其他条件。"],
    "行政确认": ["申请人符合{thing}的法定条件；", "提交的材料真实、齐全，符合法定形式；",
                 "法律、法规规定的其他条件。"],
    "行政给付": ["具有本县户籍并在本县居住；", "家庭人均收入低于本县规定标准；",
                 "家庭财产状况符合本县规定；", "经审核符合{thing}给付条件。"],
    "行政奖励": ["在相关工作中事迹突出、成绩显著；", "经所在单位或者所在地推荐；",
                 "公示期内无异议。"],
    "行政裁决": ["当事人之间存在{thing}所指的争议；", "争议事项属于本机关管辖范围；",
                 "未经人民法院受理或者作出判决。"],
}
ACTIONS = ["", "（新办）", "（变更）", "（延续）", "（注销）"]
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
         "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "晓东", "玉兰", "志强", "海燕", "红梅",
         "立新", "春雨", "国庆", "淑华"]
REVIEW_NOTE = "已进行保密审查，不含国家秘密、工作秘密和个人隐私"
HOURS = "周一至周五上午8:30—11:30，下午13:00—17:00（法定节假日除外）"
CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1..999 in Chinese numerals as laws number their articles: 十二, 一百零五, 一百一十."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    head = CN_DIGITS[hundreds] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + CN_DIGITS[rest]
    tens, ones = divmod(rest, 10)
    return head + CN_DIGITS[tens] + "十" + (CN_DIGITS[ones] if ones else "")


# --------------------------------------------------------------------------------------------
# YAML writing (hand-formatted, as units write it: block style, | for multi-line text)
# --------------------------------------------------------------------------------------------

_PLAIN_BAD_START = set("-?:,[]{}#&*!|>'\"%@` ")
_YAML_WORDS = frozenset(("null", "~", "true", "false", "yes", "no", "on", "off", "y", "n"))


def q(value: str) -> str:
    """Always double-quoted (phones, codes, dates): JSON strings are valid YAML."""
    return json.dumps(value, ensure_ascii=False)


def s(value: str) -> str:
    """Plain when that is safe, else double-quoted."""
    if (not value or value[0] in _PLAIN_BAD_START or value[-1] in " :" or ": " in value
            or " #" in value or "\n" in value or value.lower() in _YAML_WORDS
            or value.replace(".", "", 1).isdigit()):
        return q(value)
    return value


def block(value: str, indent: str) -> str:
    """A literal block scalar (``|``) whose lines are indented by ``indent``."""
    return "|\n" + "".join(f"{indent}{line}\n" for line in value.split("\n"))


# --------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class UnitSpec:
    folder: str
    name: str
    short_name: str
    prefix: str
    domain: str
    doc_org: str
    index: int
    items: int = 0


@dataclass(slots=True)
class Generated:
    root: Path
    units: int = 0
    powers: int = 0
    notices: int = 0
    announcements: int = 0
    files: list[Path] = field(default_factory=list)
    bytes: int = 0
    types: Counter = field(default_factory=Counter)


def unit_specs(count: int) -> list[UnitSpec]:
    specs = [UnitSpec(*row, index=i + 1) for i, row in enumerate(UNITS[:count])]
    for i in range(len(specs), count):  # beyond the 65 real-looking ones: service centres
        n = i + 1
        specs.append(UnitSpec(f"dw{n:03d}", f"台安县第{cn_number(n)}事务服务中心",
                              f"第{cn_number(n)}服务中心", f"DW{n:03d}", "generic", f"台服{n}发",
                              index=n))
    assert len({u.prefix for u in specs}) == len(specs), "code prefixes must be unique"
    assert len({u.folder for u in specs}) == len(specs), "unit folders must be unique"
    return specs


class Writer:
    """Builds one county's content with a fixed seed."""

    def __init__(self, root: Path, seed: int) -> None:
        self.root = root
        self.rng = random.Random(seed)
        self.out = Generated(root)

    # -- small helpers -------------------------------------------------------------------------

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def phone(self, unit: UnitSpec, line: int) -> str:
        """0412-48UULLL: 48, two digits of unit, three of the line."""
        return f"{AREA_CODE}-48{unit.index % 100:02d}{line:03d}"

    def day(self, start: tuple[int, int], end: tuple[int, int]) -> tuple[int, int, int]:
        """A random (year, month, day) between two (year, month) bounds; day 1..28."""
        first, last = start[0] * 12 + start[1] - 1, end[0] * 12 + end[1] - 1
        months = self.rng.randint(first, last)
        return months // 12, months % 12 + 1, self.rng.randint(1, 28)

    def date_text(self, ymd: tuple[int, int, int]) -> str:
        """Mostly ISO; about one in ten written the Chinese way (2026年3月5日)."""
        y, m, d = ymd
        if self.rng.random() < 0.1:
            return f"{y}年{m}月{d}日"
        return f"{y:04d}-{m:02d}-{d:02d}"

    def citation(self, law: str) -> str:
        article = self.rng.randint(1, 90)
        text = f"《{law}》第{cn_number(article)}条"
        if self.rng.random() < 0.3:
            text += f"第{cn_number(self.rng.randint(1, 3))}款"
        return text

    def write(self, path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        self.out.files.append(path)
        self.out.bytes += len(data)

    # -- county and units ----------------------------------------------------------------------

    def county(self) -> None:
        self.write(self.root / "county.yaml", (
            "county:\n"
            f"  name: {COUNTY}\n"
            f"  office: {COUNTY}人民政府办公室政务公开科\n"
            f"  area_code: {q(AREA_CODE)}\n"
            f"  supervision_phone: {q(AREA_CODE + '-4822110')}\n"
            f"  online_url: {q('https://www.taian.gov.cn/zwgk/')}\n"
        ))

    def unit_file(self, unit: UnitSpec, vocab: dict[str, list[str]]) -> None:
        town = unit.domain == "town"
        address = (f"{COUNTY}{unit.short_name}政府路{self.rng.randint(1, 99)}号" if town
                   else f"{COUNTY}八角台街道{self.rng.choice(['政府', '人民', '兴安', '建设'])}路"
                        f"{self.rng.randint(1, 300)}号")
        duties = [
            f"贯彻执行国家和省、市有关{topic}的法律法规和方针政策。" for topic in vocab["topics"]
        ] + [
            f"负责本{'辖区' if town else '系统'}行政执法和监督管理工作，依法查处违法行为。",
            "负责本单位政务公开和政府信息公开工作。",
            "完成县委、县政府交办的其他任务。",
        ]
        lines = [
            "unit:",
            f"  id: {unit.folder}",
            f"  name: {unit.name}",
            f"  short_name: {unit.short_name}",
            f"  code_prefix: {q(unit.prefix)}",
            f"  address: {s(address)}",
            f"  hours: {HOURS}",
            f"  consult_phone: {q(self.phone(unit, 100))}",
            f"  supervision_phone: {q(self.phone(unit, 110))}",
            f"  complaint_phone: {q('12345')}",
            f"  website: {q(f'https://www.taian.gov.cn/{unit.folder}/')}",
            "  duties:",
            *(f"    - {s(d)}" for d in duties),
            "  rules:",
            "    - title: 限时办结制度",
            "      text: " + block(
                "对符合条件、材料齐全的事项，在承诺时限内办结。\n"
                "因特殊情况不能按时办结的，经分管负责人批准可以延长，并告知申请人延长理由。",
                "        ").rstrip("\n"),
            "    - title: 首问责任制",
            "      text: " + block(
                "首位接待群众来访、来电的工作人员为首问责任人。\n"
                "属于本人职责范围的当场办理；不属于的，负责指引到相关科室或者单位。",
                "        ").rstrip("\n"),
            "    - title: 一次性告知制度",
            "      text: " + block(
                "申请材料不齐全或者不符合法定形式的，一次性告知申请人需要补正的全部内容。",
                "        ").rstrip("\n"),
        ]
        self.write(self.root / "units" / unit.folder / "unit.yaml", "\n".join(lines) + "\n")
        self.out.units += 1

    # -- power items ---------------------------------------------------------------------------

    def pick_type(self, vocab: dict[str, list[str]]) -> str:
        names, weights = [], []
        for name, weight in TYPE_WEIGHTS.items():
            listed = TYPE_LIST.get(name)
            if listed and not vocab.get(listed):
                continue
            names.append(name)
            weights.append(weight)
        return self.rng.choices(names, weights)[0]

    def item_name(self, power_type: str, vocab: dict[str, list[str]]) -> tuple[str, str]:
        """(item name, the thing it is about — used in materials and conditions)."""
        rng = self.rng
        own = vocab["subjects"]
        subjects = own + GENERIC_SUBJECTS[: max(2, 7 - len(own))]
        if power_type == "行政处罚":
            subject = rng.choice(subjects)
            violation = rng.choice(vocab["violations"] * 2 + GENERIC_VIOLATIONS)
            return f"对{subject}{violation}的处罚", violation
        if power_type == "行政检查":
            subject = rng.choice(subjects)
            topic = rng.choice(["执行有关法律法规情况", "安全管理制度落实情况", "许可事项实施情况",
                                "信息公示情况", "日常经营活动", "整改落实情况"])
            return f"对{subject}{topic}的监督检查", topic
        if power_type == "行政强制":
            thing = rng.choice(vocab.get("seized", []) + GENERIC_SEIZED)
            form = rng.random()
            if form < 0.6:
                return f"对{thing}的{rng.choice(['查封', '扣押', '查封、扣押'])}", thing
            if form < 0.8:
                return f"对逾期不缴纳罚款的{rng.choice(subjects)}加处罚款", "罚款"
            return f"对{rng.choice(subjects)}拒不履行行政决定的代履行", "行政决定"
        thing = rng.choice(vocab[TYPE_LIST[power_type]])
        if power_type == "行政许可":
            return thing + rng.choice(ACTIONS), thing
        if power_type == "行政给付":
            return f"{thing}{rng.choice(['给付', '发放'])}", thing
        if power_type == "行政征收":
            return f"{thing}征收", thing
        if power_type == "行政奖励":
            return f"对{thing}的奖励", thing
        if power_type == "其他行政权力":
            return rng.choice([thing, thing, *GENERIC_OTHERS]), thing
        return thing, thing  # 确认, 裁决: the list holds full names

    def flowchart(self, power_type: str, promised: int | None) -> list[str]:
        """The ``flowchart:`` lines; on the main path step days never exceed ``promised``."""
        if power_type in APPLICATION_TYPES or power_type in ("行政征收", "其他行政权力"):
            budget = promised or 10
            review = max(0, (budget - 2) * 3 // 5)
            decide = max(0, budget - 2 - review)
            steps = [
                ("受理", "窗口受理岗", 1, [("材料齐全、符合法定形式", "审查"),
                                          ("材料不齐全，一次性告知补正", "结束")]),
                ("审查", "业务审核岗", review, []),
                ("决定", "分管负责人", decide, []),
                ("送达", "窗口受理岗", 1 if budget >= 2 else 0, []),
            ]
        elif power_type == "行政处罚":
            steps = [
                ("立案", "承办执法人员", 5, []),
                ("调查取证", "承办执法人员", 20, []),
                ("审查", "法制审核岗", 10, [("违法事实清楚、证据确凿", "告知"),
                                           ("违法事实不能成立", "结束")]),
                ("告知", "承办执法人员", 5, []),
                ("决定", "单位负责人", 5, []),
                ("送达", "承办执法人员", 2, []),
                ("执行", "承办执法人员", None, []),
            ]
        elif power_type == "行政检查":
            steps = [("制定检查计划", "执法监督岗", None, []), ("实施检查", "执法人员", None, []),
                     ("处理", "执法人员", None, [("发现违法行为", "立案查处"),
                                                  ("未发现问题", "归档")]),
                     ("立案查处", "执法人员", None, []), ("归档", "内勤", None, [])]
        else:  # 行政强制
            steps = [("报告审批", "承办执法人员", 1, []), ("告知当事人", "承办执法人员", 1, []),
                     ("实施强制措施", "执法人员", 1, []), ("制作现场笔录", "执法人员", 1, []),
                     ("作出处理决定", "单位负责人", 26, [])]
        lines = ["    flowchart:", "      steps:"]
        for name, post, days, branches in steps:
            lines.append(f"        - name: {name}")
            lines.append(f"          post: {post}")
            if days:
                lines.append(f"          days: {days}")
            if branches:
                lines.append("          branches:")
                for when, to in branches:
                    lines.append(f"            - when: {s(when)}")
                    lines.append(f"              to: {to}")
        return lines

    def power(self, unit: UnitSpec, vocab: dict[str, list[str]], seq: dict[str, int],
              used: set[str]) -> tuple[list[str], tuple[int, int, int]]:
        rng = self.rng
        power_type = self.pick_type(vocab)
        for _ in range(40):  # item names are unique within a unit where the vocabulary allows
            name, thing = self.item_name(power_type, vocab)
            if name not in used:
                break
            if rng.random() < 0.5:
                power_type = "行政处罚"  # the widest vocabulary
        used.add(name)
        abbr = POWER_TYPES[power_type]
        seq[abbr] = seq.get(abbr, 0) + 1
        code = f"{unit.prefix}-{abbr}-{seq[abbr]:03d}"
        self.out.types[power_type] += 1
        laws = vocab["laws"]
        basis = [self.citation(rng.choice(laws))]
        if rng.random() < 0.5:
            basis.append(self.citation(rng.choice(laws)))
        if power_type in ("行政处罚", "行政强制") and rng.random() < 0.4:
            basis.append(self.citation(rng.choice(GENERIC_LAWS)))
        updated = self.day((2025, 1), (2026, 5))
        dept = rng.choice(vocab["depts"])
        lines = [
            f"  - name: {s(name)}",
            f"    code: {q(code)}",
            f"    type: {power_type}",
        ]
        if rng.random() < 0.7:
            lines.append(f"    implementing_unit: {unit.name}")
        lines.append(f"    department: {dept}")
        lines.append("    legal_basis:")
        lines += [f"      - {s(b)}" for b in dict.fromkeys(basis)]
        promised = None
        if power_type in APPLICATION_TYPES or power_type in ("行政征收", "其他行政权力"):
            statutory = rng.choice([5, 10, 15, 20, 20, 20, 30, 60])
            promised = rng.choice([1, max(1, statutory // 4), max(1, statutory // 2), statutory])
            lines += [f"    statutory_days: {statutory}", f"    promised_days: {promised}"]
        elif power_type == "行政处罚":
            promised = 60
            lines += ["    statutory_days: 90", "    promised_days: 60"]
        elif power_type == "行政强制":
            lines.append("    statutory_days: 30")
        if power_type in APPLICATION_TYPES:
            if power_type == "行政许可" and rng.random() < 0.15:
                lines += [
                    "    fee:",
                    "      charged: 是",
                    f"      standard: 工本费每证{rng.choice([5, 10, 15, 20])}元",
                    f"      basis: 《辽宁省物价局、辽宁省财政厅关于{thing}收费标准的通知》"
                    f"（辽价发〔{rng.randint(2015, 2021)}〕{rng.randint(1, 120)}号）",
                ]
            else:
                lines.append("    fee: 不收费")
            materials = [m.format(thing=thing) for m in MATERIALS[power_type]]
            lines.append("    materials:")
            lines += [f"      - {s(m)}" for m in materials[: rng.randint(3, len(materials))]]
            town = unit.domain == "town"
            place = (f"{unit.short_name}便民服务中心{rng.randint(1, 6)}号窗口" if town
                     else f"{COUNTY}政务服务中心{rng.randint(1, 3)}楼{rng.randint(1, 40)}号窗口")
            lines.append(f"    place: {place}")
            if rng.random() < 0.3:
                lines.append(f"    hours: {HOURS}")
            conditions = [c.format(thing=thing) for c in CONDITIONS[power_type]]
            text = "\n".join(f"{i}.{c}" for i, c in enumerate(conditions, 1))
            lines.append("    conditions: " + block(text, "      ").rstrip("\n"))
        lines += self.flowchart(power_type, promised)
        lines.append(f"    consult_phone: {q(self.phone(unit, 200 + vocab['depts'].index(dept)))}")
        if rng.random() < 0.5:
            lines.append(f"    supervision_phone: {q(self.phone(unit, 110))}")
        channels = rng.choice(["[led, kiosk, board]", "[kiosk, board]", "[kiosk]", "[led, kiosk]"])
        lines.append(f"    channels: {channels}")
        lines.append(f"    valid_from: {q(self.date_text(self.day((2023, 1), (2024, 12))))}")
        if rng.random() < 0.1:
            lines.append(f"    valid_until: {q('2029-12-31')}")
        lines.append(f"    updated: {q(self.date_text(updated))}")
        return lines, updated

    def powers_file(self, unit: UnitSpec, vocab: dict[str, list[str]], number: int, count: int,
                    seq: dict[str, int], used: set[str]) -> None:
        body: list[str] = []
        for _ in range(count):
            lines, _updated = self.power(unit, vocab, seq, used)
            body += lines
        # Reviewed after every item's last update (items are updated 2025-01 … 2026-05).
        review = f"2026-06-{self.rng.randint(1, 28):02d}"
        head = ["review:", f"  reviewer: {self.person()}", f"  date: {q(review)}", "  result: 通过",
                f"  note: {REVIEW_NOTE}", "powers:"]
        self.write(self.root / "units" / unit.folder / f"powers-{number}.yaml",
                   "\n".join(head + body) + "\n")
        self.out.powers += count

    # -- notices and announcements -------------------------------------------------------------

    def notices_file(self, unit: UnitSpec, vocab: dict[str, list[str]]) -> None:
        rng = self.rng
        lines = ["review:", f"  reviewer: {self.person()}",
                 f"  date: {q(f'2026-06-{rng.randint(1, 28):02d}')}", "  result: 通过",
                 f"  note: {REVIEW_NOTE}", "notices:"]
        topics = vocab["topics"] + DOMAINS["generic"]["topics"]
        serials = rng.sample(range(1, 80), 4)  # 文号 serials: distinct within the unit
        for number, (kind, template) in enumerate([
            ("通知", "{unit}关于开展{year}年{topic}工作的通知"),
            ("通告", "{unit}关于{topic}有关事项的通告"),
            ("意见", "{unit}关于进一步加强{topic}工作的实施意见"),
            ("报告", "{unit}{year}年政府信息公开工作年度报告"),
        ]):
            topic = topics[number % len(topics)]
            year = 2025 if kind == "报告" else rng.choice([2025, 2026])
            ymd = self.day((year, 1), (year, 12 if year == 2025 else 5))
            if kind == "报告":
                ymd = (2026, 1, rng.randint(10, 28))
            title = template.format(unit=unit.name, year=year, topic=topic)
            lines += [
                f"  - title: {s(title)}",
                f"    kind: {kind}",
                f"    issuer: {unit.name}",
            ]
            if kind != "报告":
                lines.append(f"    doc_number: {q(f'{unit.doc_org}〔{ymd[0]}〕{serials[number]}号')}")
            lines += [
                f"    date: {q(self.date_text(ymd))}",
                "    disclosure: 主动公开",
                "    summary: " + block(f"部署{topic}有关工作，明确目标任务、工作措施和保障要求。",
                                        "      ").rstrip("\n"),
                "    body: " + block(
                    "各有关单位：\n"
                    f"为深入贯彻落实上级关于{topic}的决策部署，结合我县实际，现就有关事项通知如下。\n"
                    "一、提高思想认识。各单位要把此项工作摆在重要位置，主要负责同志亲自部署。\n"
                    "二、压实工作责任。明确责任分工和完成时限，确保各项任务落到实处。\n"
                    "三、加强督促检查。工作中遇到的问题请及时与我单位联系，"
                    f"联系电话：{self.phone(unit, 100)}。",
                    "      ").rstrip("\n"),
                f"    channels: {rng.choice(['[kiosk, board]', '[kiosk]', '[board]'])}",
                f"    updated: {q(self.date_text(ymd))}",
            ]
            self.out.notices += 1
        lines += [
            "announcements:",
            f"  - id: {q(f'{unit.prefix}-GG-2026-01')}",
            "    text: " + block(
                f"{unit.short_name}办事大厅端午节期间（5月31日至6月2日）暂停对外办公，"
                "6月3日起恢复正常；急办事项请拨打12345政务服务便民热线。", "      ").rstrip("\n"),
            "    urgent: 否",
            "    channels: [led, kiosk]",
            f"    valid_from: {q('2026-05-20')}",
            f"    updated: {q('2026-05-20')}",
        ]
        self.out.announcements += 1
        self.write(self.root / "units" / unit.folder / "notices.yaml", "\n".join(lines) + "\n")


def generate(root: Path, units: int, items: int, seed: int) -> Generated:
    """Write a county of ``units`` units and ``items`` power items in total under ``root``."""
    writer = Writer(root, seed)
    writer.county()
    specs = unit_specs(units)
    base, extra = divmod(items, units)
    for i, unit in enumerate(specs):
        unit.items = base + (1 if i < extra else 0)
    for unit in specs:
        vocab = DOMAINS[unit.domain]
        writer.unit_file(unit, vocab)
        files = max(1, math.ceil(unit.items / ITEMS_PER_FILE))
        per, rest = divmod(unit.items, files)
        seq: dict[str, int] = {}
        used: set[str] = set()
        for number in range(1, files + 1):
            count = per + (1 if number <= rest else 0)
            if count:
                writer.powers_file(unit, vocab, number, count, seq, used)
        writer.notices_file(unit, vocab)
    return writer.out


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


def floor_parse(files: list[Path]) -> int:
    """The C YAML loader alone: read bytes, decode, yaml.load with CSafeLoader."""
    loaded = 0
    for path in files:
        data = yaml.load(path.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader)
        loaded += data is not None
    return loaded


def paused(func: Callable[..., object], *args: object) -> object:
    with collector_paused():
        return func(*args)


def timed(func: Callable[[], object]) -> float:
    """Wall time of one call (gc collected first, left enabled during, as in real use)."""
    gc.collect()
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    del result
    return elapsed


@dataclass(slots=True)
class Split:
    """One timed call: wall time, time inside read_yaml, time in the cyclic gc."""

    total: float = 0.0
    read_yaml: float = 0.0  # all files: C composer + located values
    gc: float = 0.0
    gc_runs: int = 0


class SplitTimer:
    """Times calls, splitting out ``signage.catalogue.loader.read_yaml`` and the garbage collector.

    While active, a thin timing wrapper replaces the name ``read_yaml`` in
    :mod:`signage.catalogue.loader` (the loader calls it once per file) and a gc callback is registered.
    Nothing on disk changes; the wrapper costs about a microsecond a call.
    """

    def __init__(self) -> None:
        import signage.catalogue.loader as loader_module

        self.loader = loader_module
        self.original = getattr(loader_module, "read_yaml", None)
        self.current = Split()
        self._gc_started = 0.0

    def _timed_read_yaml(self, *args: object, **kwargs: object) -> object:
        start = time.perf_counter()
        try:
            return self.original(*args, **kwargs)
        finally:
            self.current.read_yaml += time.perf_counter() - start

    def _on_gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.current.gc += time.perf_counter() - self._gc_started
            self.current.gc_runs += 1

    def __enter__(self) -> SplitTimer:
        if self.original is not None:
            self.loader.read_yaml = self._timed_read_yaml
        gc.callbacks.append(self._on_gc)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._on_gc)
        if self.original is not None:
            self.loader.read_yaml = self.original

    def run(self, func: Callable[[], object]) -> tuple[Split, object]:
        """(the split of one call of ``func``, its result); gc collected first."""
        gc.collect()
        self.current = split = Split()
        start = time.perf_counter()
        result = func()
        split.total = time.perf_counter() - start
        return split, result


# A fresh interpreter that runs check_content once and reports its own memory. Mode "rss": no
# tracing (the RSS figure); mode "trace": under tracemalloc (allocation peak, what is retained).
class VirtualClock:
    """Monotonic seconds set by a bench, so frames and timers run without waiting; the wall
    clock moves with it from ``start`` (a clock zone still ticks)."""

    def __init__(self, start: dt.datetime = dt.datetime(2026, 5, 27, 9, 58)) -> None:
        self.now = 0.0
        self.start = start

    def __call__(self) -> float:
        return self.now

    def wall(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=self.now)


# The start every memory-measuring child shares: the repository on sys.path, and its own peak RSS.
CHILD_PRELUDE = r"""
import json, resource, sys
sys.path.insert(0, sys.argv[1])

def hwm_kb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None
"""

_CHILD = CHILD_PRELUDE + r"""
from signage.catalogue.checking import check_content
out = {"imports_hwm_kb": hwm_kb()}
if sys.argv[3] == "trace":
    import tracemalloc
    tracemalloc.start()
result = check_content(sys.argv[2])
if sys.argv[3] == "trace":
    current, peak = tracemalloc.get_traced_memory()
    out.update(traced_peak=peak, traced_current=current)
out.update(hwm_kb=hwm_kb(), maxrss=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
           units=len(result.catalogue.units),
           powers=sum(len(u.powers) for u in result.catalogue.units.values()),
           errors=result.errors,
           findings=[f"{f.rule.id} {f.severity.value}" for f in result.findings])
print(json.dumps(out))
"""


def _maxrss_mb(value: int) -> float:
    return value / 2**20 if sys.platform == "darwin" else value / 1024  # bytes there, KB here


def start_child(root: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", _CHILD, str(REPO_ROOT), str(root), mode],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish_child(proc: subprocess.Popen[str]) -> dict[str, float]:
    stdout, stderr = proc.communicate()  # reaps it: its usage now counts in RUSAGE_CHILDREN
    if proc.returncode != 0:
        raise RuntimeError(f"memory subprocess failed:\n{stderr}")
    return json.loads(stdout.strip().splitlines()[-1])


def _load() -> str:
    """The 1-minute load average: other processes on the machine make timings noisy."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "n/a"


def profile(root: Path, top: int) -> str:
    gc.collect()
    profiler = cProfile.Profile()
    profiler.enable()
    check_content(root)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=65, help="units in the county (default 65)")
    parser.add_argument("--items", type=int, default=10_000, help="power items in total")
    parser.add_argument("--runs", type=int, default=3, help="timed runs; the best counts")
    parser.add_argument("--seed", type=int, default=20260527, help="random seed for the content")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of check_content (sorted by tottime)")
    parser.add_argument("--top", type=int, default=25, help="profile lines to print")
    args = parser.parse_args(argv)
    if args.units < 1 or args.items < 0 or args.runs < 1:
        parser.error("--units and --runs must be at least 1, --items at least 0")
    if args.items / args.units > 9999:
        parser.error("at most 9999 items per unit (codes have a 3–4 digit sequence)")
    if not yaml.__with_libyaml__:
        print("PyYAML was built without libyaml: the CSafeLoader floor cannot be measured.")
        return 2

    print(f"Python {platform.python_version()} · PyYAML {yaml.__version__} (libyaml) · "
          f"{os.cpu_count()} CPUs · {platform.machine()} · load average {_load()}")
    with tempfile.TemporaryDirectory(prefix="signage-bench-") as tmp:
        root = Path(tmp) / "content"
        start = time.perf_counter()
        gen = generate(root, args.units, args.items, args.seed)
        print(f"generated {gen.units} units, {gen.powers} power items, {gen.notices} notices, "
              f"{gen.announcements} announcements in {len(gen.files)} files "
              f"({gen.bytes / 2**20:.1f} MB) in {time.perf_counter() - start:.1f} s")
        print("types: " + ", ".join(f"{t} {n}" for t, n in gen.types.most_common()))

        # 1. Memory, in fresh interpreters, started now while this process is still small (on
        #    Linux a child's ru_maxrss starts from its parent's peak RSS at fork/exec). The
        #    "rss" child's check also verifies the content checks clean; nothing is timed yet.
        rss_child = start_child(root, "rss")
        trace_child = start_child(root, "trace")
        try:
            rss = finish_child(rss_child)
            children_maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # rss only
            by_rule = Counter(rss["findings"])
            print(f"check: {rss['units']} units, {rss['powers']} powers loaded; findings: "
                  + (", ".join(f"{rule} ×{n}" for rule, n in sorted(by_rule.items())) or "none"))
            if rss["errors"] or rss["powers"] != gen.powers or rss["units"] != gen.units:
                # The check must find nothing wrong, so it does the work it does on clean content.
                result = check_content(root)
                print("generated content does not check clean — first findings:")
                errors = [f for f in result.findings if f.is_error]
                for finding in errors[:10] or result.findings[:10]:
                    print(f"  {finding.rule.id} {finding.location} [{finding.unit_id} "
                          f"{finding.subject}] {finding.message}")
                return 1
            trace = finish_child(trace_child)
        finally:
            if trace_child.poll() is None:
                trace_child.kill()
                trace_child.communicate()

        # 2. Timings in this process, in rounds — floor, ours, load_catalogue alone, run_checks
        #    alone — so all see the same machine (other processes, frequency scaling); the
        #    best of N of each counts.
        yaml_files = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml"))
        floor_runs: list[float] = []
        ours_runs: list[Split] = []
        load_runs: list[Split] = []
        check_runs: list[Split] = []
        with SplitTimer() as timer:
            for _ in range(args.runs):
                floor_runs.append(timed(lambda: floor_parse(yaml_files)))
                split, result = timer.run(lambda: check_content(root))
                ours_runs.append(split)
                del result
                # the parts run as check_content runs them: with the cyclic collector paused
                split, loaded = timer.run(lambda: paused(load_catalogue, root))
                load_runs.append(split)
                split, result = timer.run(functools.partial(paused, run_checks, loaded.catalogue))
                check_runs.append(split)
                del result, loaded
        floor = min(floor_runs)

        profile_text = profile(root, args.top) if args.profile else ""

    n = gen.powers
    def fastest(splits: list[Split]) -> Split:
        return min(splits, key=lambda split: split.total)

    best, load, checks = fastest(ours_runs), fastest(load_runs), fastest(check_runs)
    ours = best.total
    ratio = ours / floor
    rss_mb = _maxrss_mb(children_maxrss)

    def rate(seconds: float) -> str:
        return f"{n / seconds:7.0f} items/s" if seconds > 0 else "      - items/s"

    def runs(times: list[float]) -> str:
        return "runs " + " ".join(f"{t:.2f}" for t in times)

    def share(seconds: float) -> str:
        return f"{seconds / ours:4.0%} of ours"

    def mark(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    def gc_note(split: Split) -> str:
        return f"gc {split.gc:.2f} s ({split.gc_runs} collections)"

    print()
    print("=" * 78)
    print(f"{n} power items, {gen.units} units, {len(yaml_files)} YAML files "
          f"({gen.bytes / 2**20:.1f} MB); best of {args.runs}; load average now {_load()}")
    print("-" * 78)
    print(f"floor (CSafeLoader):    {floor:6.2f} s  {rate(floor)}   ({runs(floor_runs)})")
    print(f"ours (load+check):      {ours:6.2f} s  {rate(ours)}   "
          f"({runs([split.total for split in ours_runs])})")
    print(f"ratio ours/floor:       {ratio:6.2f}x  (target <= {TARGET_RATIO}x)  "
          f"{mark(ratio <= TARGET_RATIO)}")
    print(f"  gc during ours:       {best.gc:6.2f} s  ({best.gc / ours:.0%} of ours, "
          f"{best.gc_runs} collections)")
    print("-" * 78)
    print("breakdown (each called alone, best of N):")
    print(f"  load_catalogue:       {load.total:6.2f} s  {rate(load.total)}   ({share(load.total)}; "
          f"{gc_note(load)})")
    if load.read_yaml:
        model = load.total - load.read_yaml
        print(f"    read_yaml, files:   {load.read_yaml:6.2f} s  {rate(load.read_yaml)}   "
              "(C composer + located values)")
        print(f"    schema → model:     {model:6.2f} s  {rate(model)}   "
              "(load_catalogue − read_yaml)")
    print(f"  run_checks:           {checks.total:6.2f} s  {rate(checks.total)}   "
          f"({share(checks.total)}; {gc_note(checks)})")
    rest = ours - load.total - checks.total
    print(f"  ours − (load + checks): {rest:+5.2f} s  (what check_content does besides the two; "
          "noise)")
    print("-" * 78)
    print(f"peak RSS (subprocess):  {rss_mb:6.0f} MB  (target < {TARGET_RSS_MB} MB)  "
          f"{mark(rss_mb < TARGET_RSS_MB)}")
    if rss["hwm_kb"]:
        print(f"  same, VmHWM:          {rss['hwm_kb'] / 1024:6.0f} MB  "
              f"(of which {rss['imports_hwm_kb'] / 1024:.0f} MB before check_content: "
              "interpreter and imports)")
    print(f"tracemalloc peak:       {trace['traced_peak'] / 2**20:6.0f} MB  "
          f"(Python allocations during check_content, fresh process; "
          f"{trace['traced_current'] / 2**20:.0f} MB held by the result)")
    print("=" * 78)
    if profile_text:
        print()
        print(f"cProfile of check_content (one run, sorted by tottime, top {args.top}; "
              "gc time is charged to whichever function was allocating when a collection ran):")
        print(profile_text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
