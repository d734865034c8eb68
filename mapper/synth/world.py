"""The synthetic world: the reference date, and the pools names, units, purposes and vendors are drawn from.

Stages, factors, levels, tiers and oversight modes are the local names of catalogue and vocabulary
terms (``fscg:`` and ``fsc:``); the rest is invented. Nothing here says what a measure needs or when
it applies: that is the rules' (:mod:`mapper.synth.knowledge`).
"""

from __future__ import annotations

import datetime as dt

#: Dates in the synthetic data are relative to this day; the gaps are gaps at this date.
REFERENCE_DATE = dt.date(2026, 11, 25)
#: Shared by the hand-written examples and the synthetic pool, so vendors are one set of IRIs.
VENDOR_NAMESPACE = "https://vendors.example.tw/id/"

STAGES = ("stage-planning-design", "stage-data-collection-input", "stage-model-building-validation",
          "stage-deployment-monitoring")
STAGE_WEIGHTS = (10, 15, 20, 55)
FACTORS = ("risk-factor-customer-facing", "risk-factor-personal-data", "risk-factor-autonomy",
           "risk-factor-complexity", "risk-factor-stakeholders", "risk-factor-remedy")
LEVELS = ("LevelLow", "LevelMedium", "LevelHigh")
TIERS = ("TierLow", "TierMedium", "TierHigh")
OVERSIGHT = ("oversight-human-in-command", "oversight-human-in-the-loop", "oversight-human-on-the-loop")
INSTITUTION_TYPES = (("Bank", "商業銀行", "Commercial Bank"), ("Insurer", "人壽保險", "Life Insurance"),
                     ("SecuritiesFirm", "綜合證券", "Securities"), ("Insurer", "產物保險", "General Insurance"),
                     ("Bank", "商業銀行", "Bank"), ("InvestmentTrustOrAdvisory", "證券投資信託", "Asset Management"),
                     ("ElectronicPaymentInstitution", "電子支付", "Payments"), ("FuturesFirm", "期貨", "Futures"))
NAME_PARTS = ("永", "信", "華", "泰", "聯", "合", "大", "安", "國", "富", "康", "和", "元", "鼎", "瀚", "嘉",
              "興", "隆", "台", "新", "光", "明", "中", "正", "長", "春", "寶", "昌")
UNITS = (("risk", "風險管理部", "Risk Management"), ("it", "資訊部", "Information Technology"),
         ("infosec", "資訊安全部", "Information Security"), ("compliance", "法令遵循部", "Compliance"),
         ("digital", "數位發展部", "Digital Development"), ("data", "數據分析部", "Data Analytics"),
         ("operations", "作業部", "Operations"), ("hr", "人力資源部", "Human Resources"),
         ("audit", "稽核室", "Internal Audit"), ("business", "業務發展部", "Business Development"))
PURPOSES = (("信用評分", "credit scoring"), ("洗錢防制交易監控", "AML transaction monitoring"),
            ("詐欺偵測", "fraud detection"), ("生成式AI客服", "generative-AI customer assistant"),
            ("智能理財", "robo-advice"), ("理賠分流", "claims triage"), ("證件辨識", "ID document reading"),
            ("自動核保", "automated underwriting"), ("程式開發輔助", "coding assistant"),
            ("行銷名單預測", "marketing propensity"), ("異常交易監視", "trade surveillance"),
            ("客服通話摘要", "call summarisation"), ("客戶流失預警", "churn early warning"))
EVIDENCE_KINDS = ("PolicyOrProcedure", "MeetingRecord", "AssessmentReport", "TestReport", "AuditReport",
                  "SystemRecord", "Disclosure")
#: How many providers the shared vendor pool holds.
VENDOR_POOL = 40
VENDOR_SERVICES = ("大型語言模型API", "雲端運算及儲存", "洗錢防制平台", "文件影像辨識", "模型開發顧問",
                   "投資組合最佳化引擎", "核保規則引擎", "詐欺風險分數", "語音轉文字", "資料標註")


def vendor_service(k: int) -> str:
    """The service (zh-Hant) vendor ``k`` of the pool provides.

    >>> vendor_service(0), vendor_service(len(VENDOR_SERVICES))
    ('大型語言模型API', '大型語言模型API')
    """
    return VENDOR_SERVICES[k % len(VENDOR_SERVICES)]
