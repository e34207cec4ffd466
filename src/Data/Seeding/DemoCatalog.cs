using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;

namespace TokenConsole.Data.Seeding;

/// <summary>The models, compute pools, deployments and token packages of the demo data set.</summary>
public static class DemoCatalog
{
    /// <summary>
    /// The office's compute cost of serving a model, as a share of the vendor's public list price. An assumption of the
    /// demo data: an operator running open or licensed weights on its own pools pays well below the vendor's retail price.
    /// </summary>
    public const decimal CostShareOfListPrice = 0.45m;

    /// <summary>
    /// Models named after real families. List prices (CNY per million input / output tokens) are the vendors' public
    /// API list prices as published on their pricing pages in 2024–2025; they only anchor the demo compute costs.
    /// </summary>
    public static readonly IReadOnlyList<(string Code, string Name, string Vendor, string Family, Modality Modality, int Context, decimal ListIn, decimal ListOut, ModelStatus Status)> Models =
    [
        ("deepseek-v3", "DeepSeek-V3", "DeepSeek", "DeepSeek", Modality.Text, 64_000, 2m, 8m, ModelStatus.OnSale),
        ("deepseek-r1", "DeepSeek-R1", "DeepSeek", "DeepSeek", Modality.Text, 64_000, 4m, 16m, ModelStatus.OnSale),
        ("qwen-max", "Qwen-Max", "Alibaba Cloud", "Qwen", Modality.Text, 32_000, 2.4m, 9.6m, ModelStatus.OnSale),
        ("qwen-plus", "Qwen-Plus", "Alibaba Cloud", "Qwen", Modality.Text, 131_072, 0.8m, 2m, ModelStatus.OnSale),
        ("qwen-turbo", "Qwen-Turbo", "Alibaba Cloud", "Qwen", Modality.Text, 1_000_000, 0.3m, 0.6m, ModelStatus.OnSale),
        ("qwen-vl-max", "Qwen-VL-Max", "Alibaba Cloud", "Qwen", Modality.Multimodal, 32_000, 3m, 9m, ModelStatus.OnSale),
        ("glm-4-plus", "GLM-4-Plus", "Zhipu AI", "GLM", Modality.Text, 128_000, 5m, 5m, ModelStatus.OnSale),
        ("doubao-1.5-pro-32k", "Doubao-1.5-pro-32k", "ByteDance Volcano Engine", "Doubao", Modality.Text, 32_000, 0.8m, 2m, ModelStatus.OnSale),
        ("ernie-4.0-turbo-8k", "ERNIE-4.0-Turbo-8K", "Baidu", "ERNIE", Modality.Text, 8_000, 20m, 60m, ModelStatus.OnSale),
        ("hunyuan-turbo", "Hunyuan-Turbo", "Tencent", "Hunyuan", Modality.Text, 32_000, 15m, 50m, ModelStatus.OnSale),
        ("moonshot-v1-32k", "Moonshot-v1-32k (Kimi)", "Moonshot AI", "Kimi", Modality.Text, 32_000, 24m, 24m, ModelStatus.OnSale),
        ("yi-lightning", "Yi-Lightning", "01.AI", "Yi", Modality.Text, 16_000, 0.99m, 0.99m, ModelStatus.Preview),
    ];

    /// <summary>
    /// Pools in the national computing hubs of the "East Data, West Computing" programme (Inner Mongolia, Guizhou, Gansu,
    /// Ningxia, Beijing-Tianjin-Hebei, Yangtze River Delta, Guangdong-Hong Kong-Macao, Chengdu-Chongqing) and edge nodes.
    /// Capacity is the share of each site reserved for the Token Office, in tokens per second (input and output), and the
    /// accelerators are the cards reserved for it: about 400 tokens/s per Ascend 910B or H20 card, 700 per H800 and 250 per
    /// L20 on the served mix, priced per card-hour as reserved cloud capacity.
    /// </summary>
    public static readonly IReadOnlyList<(string Code, string Name, string NameZh, string Region, PoolTier Tier, string Accelerator, int Count, long Capacity, decimal CostPerHour, PoolStatus Status)> Pools =
    [
        ("nm-horinger", "Inner Mongolia Horinger ICC", "内蒙古和林格尔智算中心", "CN-NM", PoolTier.Central, "Ascend 910B", 32, 12_000, 896m, PoolStatus.Online),
        ("gz-guian", "Guizhou Gui'an ICC", "贵州贵安智算中心", "CN-GZ", PoolTier.Central, "Ascend 910B", 24, 9_000, 672m, PoolStatus.Online),
        ("gs-qingyang", "Gansu Qingyang ICC", "甘肃庆阳智算中心", "CN-GS", PoolTier.Central, "H20", 16, 6_000, 320m, PoolStatus.Online),
        ("nx-zhongwei", "Ningxia Zhongwei ICC", "宁夏中卫智算中心", "CN-NX", PoolTier.Central, "H20", 16, 6_000, 320m, PoolStatus.Online),
        ("he-zhangjiakou", "Zhangjiakou Cloud Pool (Beijing-Tianjin-Hebei hub)", "张家口云资源池（京津冀枢纽）", "CN-HE", PoolTier.Regional, "H800", 16, 9_000, 720m, PoolStatus.Online),
        ("ah-wuhu", "Wuhu Cloud Pool (Yangtze River Delta hub)", "芜湖云资源池（长三角枢纽）", "CN-AH", PoolTier.Regional, "H800", 8, 8_000, 360m, PoolStatus.Online),
        ("sh-qingpu", "Qingpu Cloud Pool (Yangtze River Delta hub)", "青浦云资源池（长三角枢纽）", "CN-SH", PoolTier.Regional, "Ascend 910B", 16, 5_000, 448m, PoolStatus.Online),
        ("gd-shaoguan", "Shaoguan Cloud Pool (Guangdong-Hong Kong-Macao hub)", "韶关云资源池（粤港澳枢纽）", "CN-GD", PoolTier.Regional, "Ascend 910B", 24, 10_500, 672m, PoolStatus.Online),
        ("sc-tianfu", "Tianfu Cloud Pool (Chengdu-Chongqing hub)", "天府云资源池（成渝枢纽）", "CN-SC", PoolTier.Regional, "H20", 16, 5_000, 320m, PoolStatus.Online),
        ("cq-liangjiang", "Liangjiang Cloud Pool (Chengdu-Chongqing hub)", "两江云资源池（成渝枢纽）", "CN-CQ", PoolTier.Regional, "Ascend 910B", 8, 4_000, 224m, PoolStatus.Online),
        ("edge-bj", "Beijing Edge Node", "北京边缘节点", "CN-BJ", PoolTier.Edge, "L20", 16, 3_200, 192m, PoolStatus.Online),
        ("edge-sz", "Shenzhen Edge Node", "深圳边缘节点", "CN-GD", PoolTier.Edge, "L20", 16, 3_200, 192m, PoolStatus.Online),
        ("edge-hz", "Hangzhou Edge Node", "杭州边缘节点", "CN-ZJ", PoolTier.Edge, "L20", 8, 2_400, 96m, PoolStatus.Maintenance),
    ];

    /// <summary>Which models each pool serves, the share of its capacity each gets, and the role.</summary>
    public static readonly IReadOnlyList<(string Pool, string Model, double Share, DeploymentRole Role)> Deployments =
    [
        ("nm-horinger", "deepseek-r1", 0.30, DeploymentRole.Primary),
        ("nm-horinger", "deepseek-v3", 0.30, DeploymentRole.Primary),
        ("nm-horinger", "qwen-max", 0.20, DeploymentRole.Failover),
        ("nm-horinger", "ernie-4.0-turbo-8k", 0.10, DeploymentRole.Primary),
        ("gz-guian", "qwen-max", 0.30, DeploymentRole.Primary),
        ("gz-guian", "glm-4-plus", 0.25, DeploymentRole.Primary),
        ("gz-guian", "deepseek-r1", 0.20, DeploymentRole.Failover),
        ("gz-guian", "hunyuan-turbo", 0.15, DeploymentRole.Primary),
        ("gs-qingyang", "deepseek-v3", 0.40, DeploymentRole.Primary),
        ("gs-qingyang", "moonshot-v1-32k", 0.25, DeploymentRole.Primary),
        ("gs-qingyang", "glm-4-plus", 0.20, DeploymentRole.Failover),
        ("nx-zhongwei", "qwen-plus", 0.35, DeploymentRole.Primary),
        ("nx-zhongwei", "doubao-1.5-pro-32k", 0.30, DeploymentRole.Primary),
        ("nx-zhongwei", "ernie-4.0-turbo-8k", 0.15, DeploymentRole.Failover),
        ("nx-zhongwei", "hunyuan-turbo", 0.10, DeploymentRole.Failover),
        ("he-zhangjiakou", "deepseek-v3", 0.35, DeploymentRole.Primary),
        ("he-zhangjiakou", "qwen-plus", 0.30, DeploymentRole.Primary),
        ("he-zhangjiakou", "qwen-vl-max", 0.25, DeploymentRole.Primary),
        ("ah-wuhu", "qwen-max", 0.30, DeploymentRole.Primary),
        ("ah-wuhu", "deepseek-v3", 0.30, DeploymentRole.Primary),
        ("ah-wuhu", "doubao-1.5-pro-32k", 0.20, DeploymentRole.Primary),
        ("ah-wuhu", "moonshot-v1-32k", 0.10, DeploymentRole.Failover),
        ("sh-qingpu", "qwen-vl-max", 0.35, DeploymentRole.Failover),
        ("sh-qingpu", "qwen-turbo", 0.30, DeploymentRole.Primary),
        ("sh-qingpu", "yi-lightning", 0.20, DeploymentRole.Primary),
        ("gd-shaoguan", "deepseek-v3", 0.30, DeploymentRole.Primary),
        ("gd-shaoguan", "qwen-plus", 0.25, DeploymentRole.Primary),
        ("gd-shaoguan", "deepseek-r1", 0.20, DeploymentRole.Primary),
        ("gd-shaoguan", "qwen-turbo", 0.15, DeploymentRole.Failover),
        ("sc-tianfu", "doubao-1.5-pro-32k", 0.40, DeploymentRole.Primary),
        ("sc-tianfu", "qwen-max", 0.30, DeploymentRole.Failover),
        ("sc-tianfu", "deepseek-v3", 0.20, DeploymentRole.Failover),
        ("cq-liangjiang", "qwen-turbo", 0.40, DeploymentRole.Primary),
        ("cq-liangjiang", "deepseek-r1", 0.40, DeploymentRole.Failover),
        ("edge-bj", "qwen-turbo", 0.50, DeploymentRole.Primary),
        ("edge-bj", "doubao-1.5-pro-32k", 0.40, DeploymentRole.Primary),
        ("edge-sz", "qwen-turbo", 0.50, DeploymentRole.Primary),
        ("edge-sz", "doubao-1.5-pro-32k", 0.40, DeploymentRole.Failover),
        ("edge-hz", "qwen-turbo", 0.60, DeploymentRole.Primary),
    ];

    public sealed record PackageSeed(
        string Code, string NameEn, string NameZh, CustomerSegment Segment, string Tags, BillingPeriod Billing, int ValidityDays,
        decimal Price, long IncludedTokens, decimal Overage, (string Model, decimal Multiplier)[] Models,
        int Concurrency, long TokensPerMinute, decimal Sla, PackageStatus Status = PackageStatus.Active,
        (long From, decimal Price)[]? Tiers = null, PackageKind Kind = PackageKind.Base, int Rollover = 0,
        ExhaustionPolicy WhenExhausted = ExhaustionPolicy.PayAsYouGo);

    /// <summary>Personal packages stop at their limit (as consumer data plans do): a person is never billed beyond what they bought.</summary>
    private const ExhaustionPolicy Stop = ExhaustionPolicy.StopAtLimit;

    private static readonly (string, decimal)[] BasicModels = [("qwen-turbo", 1m), ("doubao-1.5-pro-32k", 1m), ("deepseek-v3", 1m)];

    public static readonly IReadOnlyList<PackageSeed> Packages =
    [
        new("P-LITE", "Personal Lite", "个人轻享包", CustomerSegment.Personal, "consumer", BillingPeriod.Monthly, 30, 9.9m, 3_000_000, 5m, BasicModels, 2, 20_000, 99.5m, WhenExhausted: Stop),
        new("P-PLUS", "Personal Plus", "个人畅享包", CustomerSegment.Personal, "consumer", BillingPeriod.Monthly, 30, 29.9m, 12_000_000, 4m,
            [.. BasicModels, ("qwen-plus", 1m), ("deepseek-r1", 2m)], 3, 40_000, 99.5m, WhenExhausted: Stop),
        new("P-PRO", "Personal Pro", "个人专业包", CustomerSegment.Personal, "consumer,office", BillingPeriod.Monthly, 30, 99m, 50_000_000, 3.5m,
            [.. BasicModels, ("qwen-plus", 1m), ("deepseek-r1", 2m), ("qwen-max", 1.5m), ("moonshot-v1-32k", 2m)], 5, 80_000, 99.5m, WhenExhausted: Stop),
        new("P-DAYPASS", "Day Pass", "日租包", CustomerSegment.Personal, "consumer", BillingPeriod.OneOff, 1, 3m, 1_000_000, 5m, BasicModels, 2, 20_000, 99.5m, WhenExhausted: Stop),
        new("P-CAMPUS", "Campus Youth", "校园青春包", CustomerSegment.Personal, "consumer,education", BillingPeriod.Monthly, 30, 6m, 2_000_000, 4m, BasicModels, 2, 15_000, 99.5m, PackageStatus.Retired, WhenExhausted: Stop),
        new("SME-START", "SME Starter", "小微企业入门包", CustomerSegment.Sme, "office,customer-service,agriculture", BillingPeriod.Monthly, 30, 299m, 100_000_000, 4m,
            [.. BasicModels, ("qwen-plus", 1m)], 10, 200_000, 99.9m),
        new("SME-BIZ", "SME Business", "企业成长包", CustomerSegment.Sme, "office,customer-service,retail,media", BillingPeriod.Monthly, 30, 1_999m, 800_000_000, 3.5m,
            [.. BasicModels, ("qwen-plus", 1m), ("qwen-max", 1.5m), ("deepseek-r1", 2m)], 30, 600_000, 99.9m, Tiers: [(800_000_000, 3.5m), (2_000_000_000, 3m)]),
        new("ENT-CS", "Customer Service Enterprise", "智能客服企业包", CustomerSegment.LargeEnterprise, "customer-service,retail,finance", BillingPeriod.Annual, 365, 36_000m, 10_000_000_000, 4.5m,
            [("deepseek-v3", 1m), ("qwen-plus", 1m), ("qwen-max", 1.5m), ("doubao-1.5-pro-32k", 1m)], 200, 3_000_000, 99.95m, Tiers: [(10_000_000_000, 4.5m), (20_000_000_000, 4m)], Rollover: 30),
        new("ENT-MKT", "Marketing Content Pack", "营销创意包", CustomerSegment.LargeEnterprise, "media,retail", BillingPeriod.Annual, 365, 24_000m, 5_000_000_000, 5.5m,
            [("qwen-max", 1m), ("qwen-vl-max", 1.5m), ("doubao-1.5-pro-32k", 1m), ("hunyuan-turbo", 3m)], 100, 2_000_000, 99.9m),
        new("ENT-OFFICE", "Office Copilot Enterprise", "智慧办公企业包", CustomerSegment.LargeEnterprise, "office", BillingPeriod.Annual, 365, 30_000m, 8_000_000_000, 4.5m,
            [("deepseek-v3", 1m), ("qwen-plus", 1m), ("moonshot-v1-32k", 2m), ("glm-4-plus", 1.5m)], 150, 2_500_000, 99.9m, Rollover: 20),
        new("IND-FIN", "Finance Premium", "金融行业尊享包", CustomerSegment.LargeEnterprise, "finance", BillingPeriod.Annual, 365, 96_000m, 10_000_000_000, 11m,
            [("deepseek-r1", 1m), ("qwen-max", 1m), ("glm-4-plus", 1m), ("ernie-4.0-turbo-8k", 3m), ("hunyuan-turbo", 2m)], 300, 4_000_000, 99.99m, Rollover: 50),
        new("IND-GOV", "Government Affairs", "政务大模型包", CustomerSegment.Government, "government", BillingPeriod.Annual, 365, 60_000m, 8_000_000_000, 8.5m,
            [("deepseek-v3", 1m), ("deepseek-r1", 1.5m), ("qwen-max", 1m), ("glm-4-plus", 1m)], 200, 3_000_000, 99.95m, Rollover: 30),
        new("IND-CITY", "Urban Governance", "城市治理包", CustomerSegment.Government, "government,iot", BillingPeriod.Annual, 365, 42_000m, 6_000_000_000, 8m,
            [("qwen-vl-max", 1m), ("deepseek-v3", 1m), ("qwen-plus", 1m)], 150, 2_000_000, 99.95m),
        new("IND-HEALTH", "Healthcare Assistant", "医疗健康包", CustomerSegment.LargeEnterprise, "healthcare", BillingPeriod.Annual, 365, 40_000m, 4_000_000_000, 11.5m,
            [("deepseek-r1", 1m), ("qwen-max", 1m), ("ernie-4.0-turbo-8k", 3m)], 100, 1_500_000, 99.95m),
        new("IND-EDU", "Smart Education", "智慧教育包", CustomerSegment.Sme, "education", BillingPeriod.Annual, 365, 9_600m, 3_000_000_000, 3.6m,
            [("deepseek-v3", 1m), ("qwen-plus", 1m), ("moonshot-v1-32k", 2m)], 60, 800_000, 99.9m),
        new("IND-MFG", "Industrial Internet", "工业互联网包", CustomerSegment.LargeEnterprise, "manufacturing,energy", BillingPeriod.Annual, 365, 33_000m, 6_000_000_000, 6.5m,
            [("qwen-max", 1m), ("deepseek-v3", 1m), ("qwen-vl-max", 1m)], 150, 2_500_000, 99.95m, Rollover: 25),
        new("IND-AUTO", "Connected Vehicle", "车联网包", CustomerSegment.LargeEnterprise, "automotive", BillingPeriod.Annual, 365, 30_000m, 8_000_000_000, 4.5m,
            [("qwen-turbo", 1m), ("doubao-1.5-pro-32k", 1m), ("qwen-plus", 1m)], 400, 5_000_000, 99.95m),
        new("IND-IOT", "IoT Edge", "物联网边缘包", CustomerSegment.Sme, "iot,logistics,agriculture", BillingPeriod.Monthly, 30, 999m, 400_000_000, 3m,
            [("qwen-turbo", 1m), ("doubao-1.5-pro-32k", 1m)], 50, 500_000, 99.9m),
        new("IND-RETAIL", "Retail & Logistics", "零售物流包", CustomerSegment.Sme, "retail,logistics", BillingPeriod.Monthly, 30, 2_999m, 1_000_000_000, 3.6m,
            [("doubao-1.5-pro-32k", 1m), ("deepseek-v3", 1m), ("qwen-plus", 1m)], 40, 600_000, 99.9m),
        new("ENT-ENERGY", "Energy Operations", "能源运维包", CustomerSegment.LargeEnterprise, "energy", BillingPeriod.Annual, 365, 28_000m, 5_000_000_000, 6.5m,
            [("qwen-max", 1m), ("deepseek-r1", 1.5m)], 100, 1_500_000, 99.95m, PackageStatus.InReview),
        new("IND-AGRI", "Smart Agriculture", "智慧农业包", CustomerSegment.Sme, "agriculture", BillingPeriod.Annual, 365, 4_800m, 1_500_000_000, 3.6m,
            [("qwen-turbo", 1m), ("qwen-vl-max", 1m)], 30, 300_000, 99.9m, PackageStatus.Draft),
        // Top-up packs (加油包): N tokens for D days, sold once on top of a base subscription. Last in the list, so that
        // the base packages keep their ids and the demo subscriptions their draws.
        new("TOPUP-ENT-100M", "Top-up 100M tokens / 30 days", "加油包 1 亿 Token / 30 天", CustomerSegment.LargeEnterprise, "office,customer-service,finance,government",
            BillingPeriod.OneOff, 30, 450m, 100_000_000, 0m, [("deepseek-v3", 1m), ("qwen-plus", 1m), ("qwen-max", 1.5m), ("deepseek-r1", 1.5m)], 200, 3_000_000, 99.95m,
            Kind: PackageKind.TopUp),
        new("TOPUP-GOV-500M", "Top-up 500M tokens / 90 days", "加油包 5 亿 Token / 90 天", CustomerSegment.Government, "government,iot",
            BillingPeriod.OneOff, 90, 2_000m, 500_000_000, 0m, [("deepseek-v3", 1m), ("deepseek-r1", 1.5m), ("qwen-max", 1m), ("glm-4-plus", 1m)], 200, 3_000_000, 99.95m,
            Kind: PackageKind.TopUp),
        new("TOPUP-P-5M", "Top-up 5M tokens / 7 days", "加油包 500 万 Token / 7 天", CustomerSegment.Personal, "consumer",
            BillingPeriod.OneOff, 7, 9.9m, 5_000_000, 0m, BasicModels, 2, 20_000, 99.5m, Kind: PackageKind.TopUp),
    ];
}
