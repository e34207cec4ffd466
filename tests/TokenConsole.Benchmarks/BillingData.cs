using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Data.Seeding;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Customers;

namespace TokenConsole.Benchmarks;

/// <summary>
/// Customers, subscriptions and a month of their usage and fees, written straight into the tables with prepared
/// statements (EF change tracking would take minutes for millions of rows): the shapes the bill-run and customer-search
/// benchmarks measure on. Names are made like the demo's — city, brand, industry word, legal form — so that a name
/// fragment matches about as many customers as it would in a real customer base.
/// </summary>
internal static class BillingData
{
    private static readonly (string En, string Zh)[] Brands =
    [
        ("Huaxin", "华信"), ("Zhongke", "中科"), ("Tianrui", "天瑞"), ("Jinhong", "金鸿"), ("Boyuan", "博远"), ("Xinghe", "星河"),
        ("Ruida", "瑞达"), ("Hengtong", "恒通"), ("Yunfan", "云帆"), ("Minghua", "明华"), ("Kaiyuan", "开元"), ("Longteng", "龙腾"),
        ("Anda", "安达"), ("Shengshi", "盛世"), ("Zhiyuan", "致远"), ("Haina", "海纳"), ("Qiming", "启明"), ("Xinda", "信达"),
        ("Hongtu", "宏图"), ("Jiahe", "嘉禾"), ("Lianchuang", "联创"), ("Weiye", "伟业"), ("Dingsheng", "鼎盛"), ("Huiyuan", "汇源"),
    ];

    /// <summary>A fresh database with the reference data, one model and one monthly base package (returned: its id and version id).</summary>
    public static async Task<(int PackageId, int VersionId, int ModelId)> CreateAsync(DbContextOptions<TokenConsoleDbContext> options, decimal monthlyFee, long includedTokens)
    {
        await using var db = new TokenConsoleDbContext(options);
        await db.Database.MigrateAsync();
        await DatabaseInitializer.SeedReferenceDataAsync(db, CancellationToken.None);
        var model = new AiModel
        {
            Code = "qwen-max", Name = "Qwen Max", Vendor = "Alibaba", Family = "Qwen", Modality = Modality.Text, ContextWindow = 32_000,
            Status = ModelStatus.OnSale, ListPriceInputPerMTok = 20, ListPriceOutputPerMTok = 60, InputCostPerMTok = 8, OutputCostPerMTok = 24,
        };
        db.Models.Add(model);
        await db.SaveChangesAsync();
        var version = new PackageVersion
        {
            Number = 1, Status = PackageStatus.Active, NameEn = "Enterprise monthly", NameZh = "企业月包", BillingPeriod = BillingPeriod.Monthly,
            ValidityDays = 30, PriceCny = monthlyFee, IncludedTokens = includedTokens, OveragePricePerMTok = 12, SlaPercent = 99.9m,
            Entitlements = [new ModelEntitlement { ModelId = model.Id, Multiplier = 1.5m }],
        };
        var package = new TokenPackage { Code = "ENT-BENCH", Segment = CustomerSegment.Sme, Status = PackageStatus.Active, CreatedBy = "bench", Versions = [version] };
        db.Packages.Add(package);
        await db.SaveChangesAsync();
        package.ActiveVersionId = version.Id;
        await db.SaveChangesAsync();
        return (package.Id, version.Id, model.Id);
    }

    /// <summary>Customers C0000001 … with demo-like names, each in a region and industry weighted as the demo weights them.</summary>
    public static void InsertCustomers(SqliteConnection connection, int count, int seed)
    {
        var random = new Random(seed);
        var regions = ReferenceCatalog.Regions.ToArray();
        var industries = ReferenceCatalog.Industries.ToArray();
        using var transaction = connection.BeginTransaction();
        using var insert = Prepare(connection, transaction, "INSERT INTO Customers (Code, Name, NameZh, Segment, IndustryCode, RegionCode, CreatedAt, Status, Version) VALUES ($1,$2,$3,$4,$5,$6,$7,'Active',0)", 7);
        for (var i = 1; i <= count; i++)
        {
            var region = regions[random.Next(regions.Length)];
            var industry = industries[random.Next(industries.Length)];
            var (brandEn, brandZh) = Brands[random.Next(Brands.Length)];
            var large = random.NextDouble() < 0.25;
            var code = string.Create(CultureInfo.InvariantCulture, $"C{i:D7}");
            Set(insert, code, $"{region.CityEn} {brandEn} {industry.WordEn} {(large ? "Group" : "Co., Ltd.")}",
                $"{region.CityZh}{brandZh}{industry.WordZh}{(large ? "集团" : "有限公司")}", large ? "LargeEnterprise" : "Sme", industry.Code, region.Code,
                new DateTime(2025, 1, 1).Ticks + random.Next(0, 600) * TimeSpan.TicksPerDay);
        }
        transaction.Commit();
    }

    /// <summary>
    /// One subscription per customer to the package, anchored on a random day before <paramref name="monthStart"/>, with
    /// its term; the month's fee shares in RevenueDaily (as the fee recognizer writes them); usage on about two days in three
    /// of the month, part of it beyond the allowance; and a top-up pack sold in the month to one customer in ten.
    /// </summary>
    public static (long UsageRows, long FeeRows, long TopUps) InsertMonth(SqliteConnection connection, int customers, int packageId, int versionId, int modelId,
        decimal monthlyFee, long includedTokens, DateTime monthStart, int seed)
    {
        var random = new Random(seed);
        var monthEnd = BusinessCalendar.ToUtc(BusinessCalendar.ToLocal(monthStart).AddMonths(1));
        var days = (int)(monthEnd - monthStart).TotalDays;
        var feeFen = FeeSpread.ToFen(monthlyFee);
        long usageRows = 0, feeRows = 0, topUps = 0;
        var places = new (string Region, string Industry)[customers + 1];
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT Id, RegionCode, IndustryCode FROM Customers";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                places[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));
            }
        }
        using var transaction = connection.BeginTransaction();
        using var subscription = Prepare(connection, transaction, "INSERT INTO Subscriptions (Id, CustomerId, PackageId, PackageVersionId, StartsAt, Status, Version) VALUES ($1,$1,$2,$3,$4,'Active',0)", 4);
        using var term = Prepare(connection, transaction, "INSERT INTO SubscriptionTerms (SubscriptionId, PackageVersionId, \"From\", Anchor) VALUES ($1,$2,$3,$4)", 4);
        using var fee = Prepare(connection, transaction, "INSERT INTO RevenueDaily (Day, CustomerId, PackageId, RegionCode, IndustryCode, FeeMicros, TopUpMicros, CreditMicros) VALUES ($1,$2,$3,$4,$5,$6,0,0)", 6);
        using var usage = Prepare(connection, transaction, """
            INSERT INTO CustomerDailyUsage (Day, CustomerId, ModelId, Tokens, Calls, RevenueMicros, ComputeCostMicros, BucketTokens, OverageTokens, BaseRevenueMicros, LeakageTokens)
            VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,0)
            """, 10);
        using var topUp = Prepare(connection, transaction, """
            INSERT INTO AllowanceBuckets (SubscriptionId, CustomerId, Kind, PeriodStart, ValidFrom, ValidTo, Included, Used, TopUpPackageId, TopUpPackageVersionId, PriceFen)
            VALUES ($1,$1,'TopUp',$2,$2,$3,$4,0,$5,$6,$7)
            """, 7);
        for (var c = 1; c <= customers; c++)
        {
            var anchor = BusinessCalendar.ToUtc(BusinessCalendar.ToLocal(monthStart).AddDays(-random.Next(1, 365)));
            Set(subscription, c, packageId, versionId, anchor.Ticks);
            Set(term, c, versionId, anchor.Ticks, anchor.Ticks);
            var (region, industry) = places[c];
            for (var d = 0; d < days; d++)
            {
                var day = monthStart.AddDays(d);
                var period = BillingCycle.PeriodContaining(BillingPeriod.Monthly, 30, anchor, day)!.Value;
                var share = FeeSpread.ShareOfDay(feeFen, period.Days, (int)(day - period.Start).TotalDays);
                Set(fee, day.Ticks, c, packageId, region, industry, share * 10_000);
                feeRows++;
                if (random.Next(3) == 0)
                {
                    continue;
                }
                long tokens = 200_000 + random.Next(3_000_000);
                var billable = tokens * 1.5m;
                // One customer-day in five goes beyond the allowance: its billable tokens are charged at ¥12 per million.
                var overage = random.Next(5) == 0 ? billable / 2 : 0;
                var revenue = Money.RoundMicros(overage * 12m);
                Set(usage, day.Ticks, c, modelId, tokens, 10 + random.Next(200), revenue, tokens * 12, Millionths(billable - overage), Millionths(overage), revenue);
                usageRows++;
            }
            if (c % 10 == 0)
            {
                var sold = monthStart.AddDays(random.Next(days)).AddHours(random.Next(24));
                Set(topUp, c, sold.Ticks, sold.AddDays(30).Ticks, Millionths(includedTokens / 10), packageId, versionId, feeFen / 5);
                topUps++;
            }
        }
        transaction.Commit();
        return (usageRows, feeRows, topUps);
    }

    private static long Millionths(decimal value) => TokenConsoleDbContext.MillionthsConverter.ToMillionths(decimal.Round(value, 6));

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 1; i <= parameters; i++)
        {
            command.Parameters.Add(new SqliteParameter("$" + i.ToString(CultureInfo.InvariantCulture), null));
        }
        command.Prepare();
        return command;
    }

    private static void Set(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
        command.ExecuteNonQuery();
    }
}
