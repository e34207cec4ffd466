namespace TokenConsole.Data.Seeding;

/// <summary>The fixed reference data: the 31 provincial-level divisions of mainland China and the industries.</summary>
public static class ReferenceCatalog
{
    /// <summary>
    /// Codes from ISO 3166-2:CN (2017 revision, two-letter subdivision codes). The weight is each province's GDP for 2023
    /// in 100 million CNY, as published in the provinces' 2023 Statistical Communiqués on National Economic and Social
    /// Development (National Bureau of Statistics of China, https://www.stats.gov.cn/sj/); the demo data spreads usage by it.
    /// </summary>
    public static readonly IReadOnlyList<(string Code, string En, string Zh, MacroRegion Macro, double Gdp2023, string CityEn, string CityZh)> Regions =
    [
        ("CN-BJ", "Beijing", "北京", MacroRegion.North, 43_761, "Beijing", "北京"),
        ("CN-TJ", "Tianjin", "天津", MacroRegion.North, 16_737, "Tianjin", "天津"),
        ("CN-HE", "Hebei", "河北", MacroRegion.North, 43_944, "Shijiazhuang", "石家庄"),
        ("CN-SX", "Shanxi", "山西", MacroRegion.North, 25_698, "Taiyuan", "太原"),
        ("CN-NM", "Inner Mongolia", "内蒙古", MacroRegion.North, 24_627, "Hohhot", "呼和浩特"),
        ("CN-LN", "Liaoning", "辽宁", MacroRegion.NorthEast, 30_209, "Shenyang", "沈阳"),
        ("CN-JL", "Jilin", "吉林", MacroRegion.NorthEast, 13_531, "Changchun", "长春"),
        ("CN-HL", "Heilongjiang", "黑龙江", MacroRegion.NorthEast, 15_884, "Harbin", "哈尔滨"),
        ("CN-SH", "Shanghai", "上海", MacroRegion.East, 47_219, "Shanghai", "上海"),
        ("CN-JS", "Jiangsu", "江苏", MacroRegion.East, 128_222, "Nanjing", "南京"),
        ("CN-ZJ", "Zhejiang", "浙江", MacroRegion.East, 82_553, "Hangzhou", "杭州"),
        ("CN-AH", "Anhui", "安徽", MacroRegion.East, 47_051, "Hefei", "合肥"),
        ("CN-FJ", "Fujian", "福建", MacroRegion.East, 54_355, "Fuzhou", "福州"),
        ("CN-JX", "Jiangxi", "江西", MacroRegion.East, 32_200, "Nanchang", "南昌"),
        ("CN-SD", "Shandong", "山东", MacroRegion.East, 92_069, "Jinan", "济南"),
        ("CN-HA", "Henan", "河南", MacroRegion.SouthCentral, 59_132, "Zhengzhou", "郑州"),
        ("CN-HB", "Hubei", "湖北", MacroRegion.SouthCentral, 55_804, "Wuhan", "武汉"),
        ("CN-HN", "Hunan", "湖南", MacroRegion.SouthCentral, 50_013, "Changsha", "长沙"),
        ("CN-GD", "Guangdong", "广东", MacroRegion.SouthCentral, 135_673, "Guangzhou", "广州"),
        ("CN-GX", "Guangxi", "广西", MacroRegion.SouthCentral, 27_202, "Nanning", "南宁"),
        ("CN-HI", "Hainan", "海南", MacroRegion.SouthCentral, 7_551, "Haikou", "海口"),
        ("CN-CQ", "Chongqing", "重庆", MacroRegion.SouthWest, 30_146, "Chongqing", "重庆"),
        ("CN-SC", "Sichuan", "四川", MacroRegion.SouthWest, 60_133, "Chengdu", "成都"),
        ("CN-GZ", "Guizhou", "贵州", MacroRegion.SouthWest, 20_913, "Guiyang", "贵阳"),
        ("CN-YN", "Yunnan", "云南", MacroRegion.SouthWest, 30_021, "Kunming", "昆明"),
        ("CN-XZ", "Tibet", "西藏", MacroRegion.SouthWest, 2_393, "Lhasa", "拉萨"),
        ("CN-SN", "Shaanxi", "陕西", MacroRegion.NorthWest, 33_786, "Xi'an", "西安"),
        ("CN-GS", "Gansu", "甘肃", MacroRegion.NorthWest, 11_864, "Lanzhou", "兰州"),
        ("CN-QH", "Qinghai", "青海", MacroRegion.NorthWest, 3_799, "Xining", "西宁"),
        ("CN-NX", "Ningxia", "宁夏", MacroRegion.NorthWest, 5_315, "Yinchuan", "银川"),
        ("CN-XJ", "Xinjiang", "新疆", MacroRegion.NorthWest, 19_126, "Urumqi", "乌鲁木齐"),
    ];

    /// <summary>The industries of PRODUCT.md with a relative share of enterprise demand used by the demo data.</summary>
    public static readonly IReadOnlyList<(string Code, string En, string Zh, double Share, string WordEn, string WordZh)> Industries =
    [
        ("finance", "Finance", "金融", 9, "Financial Services", "金融服务"),
        ("government", "Government & urban governance", "政务与城市治理", 8, "Data Bureau", "数据局"),
        ("healthcare", "Healthcare", "医疗健康", 6, "Health Technology", "医疗科技"),
        ("education", "Education", "教育", 6, "Education Technology", "教育科技"),
        ("manufacturing", "Manufacturing & industrial internet", "制造与工业互联网", 10, "Intelligent Manufacturing", "智能制造"),
        ("retail", "Retail", "零售", 7, "Retail", "商贸"),
        ("logistics", "Logistics", "物流", 5, "Logistics", "物流"),
        ("automotive", "Automotive & connected vehicles", "汽车与车联网", 5, "Auto Technology", "汽车科技"),
        ("energy", "Energy", "能源", 4, "Energy", "能源"),
        ("media", "Media", "传媒", 5, "Media", "传媒"),
        ("iot", "Internet of Things", "物联网", 5, "IoT Technology", "物联科技"),
        ("customer-service", "Customer service", "客户服务", 9, "Customer Contact", "客服外包"),
        ("office", "Office & productivity", "办公协同", 7, "Software", "软件"),
        ("agriculture", "Agriculture", "农业", 2, "Agritech", "农业科技"),
        ("consumer", "Consumers (personal users)", "个人消费者", 12, "", ""),
    ];

    /// <summary>Where an industry is stronger than the province's GDP alone suggests (a multiplier on its share).</summary>
    public static double Affinity(string regionCode, string industryCode) => (regionCode, industryCode) switch
    {
        ("CN-SH" or "CN-BJ" or "CN-ZJ", "finance") => 2.5,
        ("CN-GD" or "CN-JS" or "CN-ZJ" or "CN-SD", "manufacturing") => 1.8,
        ("CN-GD" or "CN-SH" or "CN-JL" or "CN-CQ" or "CN-HB", "automotive") => 2.2,
        ("CN-NM" or "CN-SX" or "CN-XJ" or "CN-NX", "energy") => 3.0,
        ("CN-HL" or "CN-HA" or "CN-SD" or "CN-JL", "agriculture") => 3.0,
        ("CN-ZJ" or "CN-GD", "retail" or "logistics") => 1.8,
        ("CN-BJ" or "CN-GD" or "CN-ZJ", "media" or "office") => 1.7,
        ("CN-GZ" or "CN-XZ" or "CN-QH", "government") => 1.8,
        _ => 1.0,
    };
}
