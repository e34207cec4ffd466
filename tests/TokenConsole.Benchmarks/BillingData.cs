using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Data.Seeding;
using TokenConsole.Features.Billing;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Customers;
using TokenConsole.Features.Pricing;

namespace TokenConsole.Benchmarks;

/// <summary>A base or top-up package of the bill-run data, as the generator needs it.</summary>
internal sealed record BenchPackage(int Id, int VersionId, CustomerSegment Segment, BillingPeriod Period, decimal PriceCny, long IncludedTokens,
    decimal OveragePerMTok, bool StopsAtLimit);

/// <summary>A model of the bill-run data: its entitlement multiplier and compute cost (¥ per million tokens).</summary>
internal sealed record BenchModel(int Id, decimal Multiplier, decimal CostPerMTok);

internal sealed record BenchCatalog(IReadOnlyList<BenchPackage> Bases, BenchPackage TopUp, IReadOnlyList<BenchModel> Models);

/// <summary>What the generator wrote for the month billed.</summary>
internal sealed record BenchMonthData(long UsageRows, long FeeRows, long TopUps, long Credits, long LateUsageRows, long PreviousBills);

/// <summary>
/// Customers, subscriptions and a month of their usage and fees, written straight into the tables with prepared
/// statements (EF change tracking would take minutes for millions of rows): the shape the bill-run benchmark measures
/// on. The rows are those the console's own writers leave: the usage writer's CustomerDailyUsage (per customer × model
/// × Beijing day: tokens drawn from the buckets, overage, its charge, leakage) and allowance buckets, the fee
/// recognizer's RevenueDaily fee shares (<see cref="FeeSpread"/> over each billing period from the anniversary, as
/// <see cref="FeeRecognizer"/> spreads them), top-up packs sold, and the month before: its bills and finished run,
/// credit notes approved against those bills, and usage of that month that arrived after it was billed.
/// Names are made like the demo's — city, brand, industry word, legal form.
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

    // Segment mix of an operator's token customers: many personal users, SMEs, fewer large enterprises and governments.
    private static readonly (CustomerSegment Segment, double Share)[] Segments =
        [(CustomerSegment.Personal, 0.45), (CustomerSegment.Sme, 0.35), (CustomerSegment.LargeEnterprise, 0.15), (CustomerSegment.Government, 0.05)];

    private const long MicrosPerFen = 10_000;

    /// <summary>A fresh database with the reference data, four models, six base packages (monthly and annual, pay as you go and stop at the limit) and a top-up pack.</summary>
    public static async Task<BenchCatalog> CreateAsync(DbContextOptions<TokenConsoleDbContext> options, DateTime monthStart)
    {
        await using var db = new TokenConsoleDbContext(options);
        await db.Database.MigrateAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        await DatabaseInitializer.SeedReferenceDataAsync(db, CancellationToken.None);
        var models = new (string Code, string Name, string Vendor, decimal Multiplier, decimal Cost)[]
        {
            ("deepseek-v3", "DeepSeek V3", "DeepSeek", 1.0m, 1.2m), ("glm-4", "GLM-4", "Zhipu", 1.0m, 1.5m),
            ("qwen-max", "Qwen Max", "Alibaba", 1.5m, 4.0m), ("qwen-vl-max", "Qwen VL Max", "Alibaba", 2.0m, 6.0m),
        };
        var aiModels = models.Select(m => new AiModel
        {
            Code = m.Code, Name = m.Name, Vendor = m.Vendor, Family = m.Vendor, Modality = Modality.Text, ContextWindow = 32_000, Status = ModelStatus.OnSale,
            ListPriceInputPerMTok = 20, ListPriceOutputPerMTok = 60, InputCostPerMTok = m.Cost, OutputCostPerMTok = m.Cost,
        }).ToList();
        db.Models.AddRange(aiModels);
        await db.SaveChangesAsync();

        var specs = new (string Code, string Name, string Zh, CustomerSegment Segment, PackageKind Kind, BillingPeriod Period, decimal Price, long Included, decimal Overage, ExhaustionPolicy When)[]
        {
            ("PER-LITE", "Personal lite", "个人轻享包", CustomerSegment.Personal, PackageKind.Base, BillingPeriod.Monthly, 29m, 5_000_000, 0m, ExhaustionPolicy.StopAtLimit),
            ("SME-STD", "SME standard", "中小企业标准包", CustomerSegment.Sme, PackageKind.Base, BillingPeriod.Monthly, 300m, 60_000_000, 12m, ExhaustionPolicy.PayAsYouGo),
            ("SME-PRO", "SME pro", "中小企业专业包", CustomerSegment.Sme, PackageKind.Base, BillingPeriod.Monthly, 980m, 200_000_000, 10m, ExhaustionPolicy.PayAsYouGo),
            ("ENT-PRO", "Enterprise pro", "企业专业包", CustomerSegment.LargeEnterprise, PackageKind.Base, BillingPeriod.Monthly, 3_000m, 600_000_000, 9m, ExhaustionPolicy.PayAsYouGo),
            ("IND-FIN", "Finance industry pack", "金融行业包", CustomerSegment.LargeEnterprise, PackageKind.Base, BillingPeriod.Annual, 96_000m, 8_000_000_000, 8m, ExhaustionPolicy.PayAsYouGo),
            ("GOV-CITY", "Urban governance pack", "城市治理包", CustomerSegment.Government, PackageKind.Base, BillingPeriod.Annual, 240_000m, 20_000_000_000, 8m, ExhaustionPolicy.PayAsYouGo),
            ("TOPUP-10M", "Top-up 10M", "加油包 1000 万", CustomerSegment.Personal, PackageKind.TopUp, BillingPeriod.OneOff, 50m, 10_000_000, 0m, ExhaustionPolicy.StopAtLimit),
        };
        var packages = specs.Select(s => new TokenPackage
        {
            Code = s.Code, Segment = s.Segment, Kind = s.Kind, Status = PackageStatus.Active, CreatedBy = "bench",
            Versions =
            [
                new PackageVersion
                {
                    Number = 1, Status = PackageStatus.Active, NameEn = s.Name, NameZh = s.Zh, BillingPeriod = s.Period, ValidityDays = s.Kind == PackageKind.TopUp ? 30 : 0,
                    PriceCny = s.Price, IncludedTokens = s.Included, OveragePricePerMTok = s.Overage, WhenExhausted = s.When, SlaPercent = 99.9m,
                    Entitlements = [.. aiModels.Select((m, i) => new ModelEntitlement { ModelId = m.Id, Multiplier = models[i].Multiplier })],
                },
            ],
        }).ToList();
        db.Packages.AddRange(packages);
        // The price rules in force over the month: a bill's usage line names the versions that priced it.
        db.PriceRuleSetVersions.Add(new PriceRuleSetVersion
        {
            Number = 1, WorkflowJson = "[]", Status = RuleSetStatus.Active, CreatedBy = "bench", CreatedAt = new DateTimeOffset(monthStart.AddDays(-60)),
            ActivatedAt = new DateTimeOffset(monthStart.AddDays(-60)),
        });
        await db.SaveChangesAsync();
        foreach (var package in packages)
        {
            package.ActiveVersionId = package.Versions[0].Id;
        }
        await db.SaveChangesAsync();
        var bench = packages.Select((p, i) => new BenchPackage(p.Id, p.Versions[0].Id, specs[i].Segment, specs[i].Period, specs[i].Price, specs[i].Included,
            specs[i].Overage, specs[i].When == ExhaustionPolicy.StopAtLimit)).ToList();
        return new BenchCatalog(bench[..^1], bench[^1], [.. aiModels.Select((m, i) => new BenchModel(m.Id, models[i].Multiplier, models[i].Cost))]);
    }

    /// <summary>Customers C0000001 … with demo-like names, each in a region and industry, of a segment drawn from the mix.</summary>
    public static void InsertCustomers(SqliteConnection connection, int count, int seed)
    {
        var random = new Random(seed);
        var regions = ReferenceCatalog.Regions.ToArray();
        var industries = ReferenceCatalog.Industries.ToArray();
        using var transaction = connection.BeginTransaction();
        using var insert = Prepare(connection, transaction, "INSERT INTO Customers (Id, Code, Name, NameZh, Segment, IndustryCode, RegionCode, CreatedAt, Status, Version) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'Active',0)", 8);
        for (var i = 1; i <= count; i++)
        {
            var region = regions[random.Next(regions.Length)];
            var industry = industries[random.Next(industries.Length)];
            var (brandEn, brandZh) = Brands[random.Next(Brands.Length)];
            var segment = Draw(random);
            var personal = segment == CustomerSegment.Personal;
            var group = segment is CustomerSegment.LargeEnterprise or CustomerSegment.Government;
            var code = string.Create(CultureInfo.InvariantCulture, $"C{i:D7}");
            Set(insert, i, code,
                personal ? $"{region.CityEn} user {i}" : $"{region.CityEn} {brandEn} {industry.WordEn} {(group ? "Group" : "Co., Ltd.")}",
                personal ? $"{region.CityZh}用户{i}" : $"{region.CityZh}{brandZh}{industry.WordZh}{(group ? "集团" : "有限公司")}",
                segment.ToString(), personal ? "consumer" : industry.Code, region.Code,
                new DateTime(2025, 1, 1).Ticks + random.Next(0, 600) * TimeSpan.TicksPerDay);
        }
        transaction.Commit();
    }

    private static CustomerSegment Draw(Random random)
    {
        var x = random.NextDouble();
        foreach (var (segment, share) in Segments)
        {
            if ((x -= share) < 0)
            {
                return segment;
            }
        }
        return Segments[^1].Segment;
    }

    /// <summary>
    /// One subscription per customer to a package of its segment, anchored on a random day before the month (2 % start
    /// within it, 3 % were cancelled before it), with its term; each day's fee share in RevenueDaily; the period's
    /// allowance bucket; usage on most days, drawn from the allowance and then from a top-up pack (sold in the month to
    /// one customer in ten), the rest charged at the overage price (a fifth of the customers with a −10 % price rule) or,
    /// on a stop-at-limit package, recorded as leakage. The month before: a bill per customer (its fee) and a finished
    /// run, an approved credit note on one bill in two hundred and late usage of one customer in a hundred.
    /// </summary>
    public static BenchMonthData InsertMonth(SqliteConnection connection, BenchCatalog catalog, BillMonth month, int seed)
    {
        var random = new Random(seed);
        var (monthStart, monthEnd) = (month.StartUtc, month.EndUtc);
        var previous = month.Previous;
        var days = (int)(monthEnd - monthStart).TotalDays;
        long usageRows = 0, feeRows = 0, topUps = 0, credits = 0, lateRows = 0, previousBills = 0;
        var customers = new List<(int Id, string Code, CustomerSegment Segment, string Region, string Industry)>();
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT Id, Code, Segment, RegionCode, IndustryCode FROM Customers ORDER BY Id";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                customers.Add((reader.GetInt32(0), reader.GetString(1), Enum.Parse<CustomerSegment>(reader.GetString(2)), reader.GetString(3), reader.GetString(4)));
            }
        }
        var bySegment = catalog.Bases.ToLookup(p => p.Segment);
        using var transaction = connection.BeginTransaction();
        using var subscription = Prepare(connection, transaction,
            "INSERT INTO Subscriptions (Id, CustomerId, PackageId, PackageVersionId, StartsAt, EndsAt, Status, Version) VALUES ($1,$1,$2,$3,$4,$5,$6,0)", 6);
        using var term = Prepare(connection, transaction, "INSERT INTO SubscriptionTerms (SubscriptionId, PackageVersionId, \"From\", \"To\", Anchor) VALUES ($1,$2,$3,$4,$5)", 5);
        using var fee = Prepare(connection, transaction,
            "INSERT INTO RevenueDaily (Day, CustomerId, PackageId, RegionCode, IndustryCode, FeeMicros, TopUpMicros, CreditMicros) VALUES ($1,$2,$3,$4,$5,$6,0,0)", 6);
        using var topUpRevenue = Prepare(connection, transaction,
            "INSERT INTO RevenueDaily (Day, CustomerId, PackageId, RegionCode, IndustryCode, FeeMicros, TopUpMicros, CreditMicros) VALUES ($1,$2,$3,$4,$5,0,$6,0)", 6);
        using var creditRevenue = Prepare(connection, transaction,
            "INSERT INTO RevenueDaily (Day, CustomerId, PackageId, RegionCode, IndustryCode, FeeMicros, TopUpMicros, CreditMicros) VALUES ($1,$2,0,$3,$4,0,0,$5)", 5);
        using var usage = Prepare(connection, transaction, """
            INSERT INTO CustomerDailyUsage (Day, CustomerId, ModelId, Tokens, Calls, RevenueMicros, ComputeCostMicros, BucketTokens, OverageTokens, BaseRevenueMicros, LeakageTokens)
            VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
            """, 11);
        using var bucket = Prepare(connection, transaction, """
            INSERT INTO AllowanceBuckets (SubscriptionId, CustomerId, Kind, PeriodStart, ValidFrom, ValidTo, Included, Used, TopUpPackageId, TopUpPackageVersionId, PriceFen)
            VALUES ($1,$1,$2,$3,$3,$4,$5,$6,$7,$8,$9)
            """, 9);
        using var bill = Prepare(connection, transaction,
            "INSERT INTO Bills (Id, BillNo, CustomerId, Period, IssuedAt, NetFen, TaxFen, TotalFen, VatRate) VALUES ($1,$2,$1,$3,$4,$5,$6,$7,$8)", 8);
        using var billLine = Prepare(connection, transaction, """
            INSERT INTO BillLines (BillId, Number, Kind, PackageId, Quantity, UnitPrice, AmountMicros, AmountFen, RulesEffectMicros)
            VALUES ($1,1,'Fee',$2,$3,$4,$5,$6,0)
            """, 6);
        using var credit = Prepare(connection, transaction, """
            INSERT INTO CreditNotes (CustomerId, BillId, AmountFen, Reason, Status, ProposedById, ProposedByName, ProposedAt, DecidedById, DecidedByName, DecidedAt, Version)
            VALUES ($1,$1,$2,'Service outage compensation','Approved','am-bench','Account manager',$3,'exec-bench','Executive',$3,0)
            """, 3);

        var vat = 0.06m;
        var previousIssued = new DateTimeOffset(monthStart.AddHours(1)).UtcTicks;
        foreach (var (id, code, segment, region, industry) in customers)
        {
            var choices = bySegment[segment].ToList();
            var package = choices[random.Next(choices.Count)];
            var roll = random.NextDouble();
            var cancelled = roll < 0.03;
            var startsInMonth = !cancelled && roll < 0.05;
            var anchor = startsInMonth
                ? monthStart.AddDays(random.Next(days - 1))
                : monthStart.AddDays(-random.Next(40, package.Period == BillingPeriod.Annual ? 700 : 400));
            DateTime? ends = cancelled ? monthStart.AddDays(-random.Next(1, 10)) : null;
            Set(subscription, id, package.Id, package.VersionId, anchor.Ticks, (object?)ends?.Ticks ?? DBNull.Value, cancelled ? "Cancelled" : "Active");
            Set(term, id, package.VersionId, anchor.Ticks, (object?)ends?.Ticks ?? DBNull.Value, anchor.Ticks);

            // The month before: billed (its fee) unless the subscription starts in this month.
            var previousFeeFen = 0L;
            if (!startsInMonth)
            {
                previousFeeFen = package.Period == BillingPeriod.Annual ? FeeSpread.ToFen(package.PriceCny) * 31 / 365 : FeeSpread.ToFen(package.PriceCny);
                var (net, tax) = Vat.Split(previousFeeFen, vat);
                Set(bill, id, $"TC-{previous.Period}-{code}", previous.Period, previousIssued, net, tax, previousFeeFen, Millionths(vat));
                Set(billLine, id, package.Id, Millionths(31), Millionths(package.PriceCny), previousFeeFen * MicrosPerFen, previousFeeFen);
                previousBills++;
                if (random.Next(200) == 0)
                {
                    var (amountFen, approvedDay) = (1 + random.NextInt64(previousFeeFen / 4), monthStart.AddDays(random.Next(days)));
                    Set(credit, id, amountFen, new DateTimeOffset(approvedDay.AddHours(3)).UtcTicks);
                    // Approval takes the credit out of that day's recognized revenue (package 0: the customer's, not a package's).
                    Set(creditRevenue, approvedDay.Ticks, id, region, industry, amountFen * MicrosPerFen);
                    credits++;
                }
            }
            if (cancelled)
            {
                continue;
            }

            // How hard the customer uses its allowance: above 1 it runs out before its period ends.
            var intensity = 0.1 + random.NextDouble() * 1.25;
            var activeShare = segment switch { CustomerSegment.Personal => 0.45, CustomerSegment.Sme => 0.75, _ => 0.95 };
            var modelCount = segment switch { CustomerSegment.Personal => 1, CustomerSegment.Sme => 1 + random.Next(2), CustomerSegment.LargeEnterprise => 2 + random.Next(2), _ => 3 };
            var used = catalog.Models.OrderBy(_ => random.Next()).Take(modelCount).Select(m => (Model: m, Weight: 0.2 + random.NextDouble())).ToList();
            var weights = used.Sum(m => m.Weight);
            var discounted = random.Next(5) == 0;
            var feeFen = FeeSpread.ToFen(package.PriceCny);
            DateTime? topUpSold = random.Next(10) == 0 && !startsInMonth ? monthStart.AddDays(random.Next(days)).AddHours(random.Next(24)) : null;
            var topUpLeft = (decimal)catalog.TopUp.IncludedTokens;
            var topUpUsed = 0m;
            BillingPeriodSpan? open = null;
            decimal allowanceUsed = 0;

            void CloseBucket()
            {
                if (open is { } p)
                {
                    Set(bucket, id, "Allowance", p.Start.Ticks, p.End.Ticks, Millionths(package.IncludedTokens), Millionths(allowanceUsed), DBNull.Value, DBNull.Value, DBNull.Value);
                }
            }

            for (var d = 0; d < days; d++)
            {
                var day = monthStart.AddDays(d);
                if (day < BusinessCalendar.DayStartUtc(anchor))
                {
                    continue;
                }
                var period = BillingCycle.PeriodContaining(package.Period, 0, anchor, day)!.Value;
                if (open != period)
                {
                    CloseBucket();
                    open = period;
                    // An annual period is part-used when the month starts: as much as the customer's pace has used by then.
                    allowanceUsed = period.Start < day ? Math.Min(package.IncludedTokens, decimal.Round(package.IncludedTokens * (decimal)intensity * (decimal)((day - period.Start).TotalDays / period.Days), 0)) : 0;
                }
                Set(fee, day.Ticks, id, package.Id, region, industry, FeeSpread.ShareOfDay(feeFen, period.Days, (int)(day - period.Start).TotalDays) * MicrosPerFen);
                feeRows++;
                if (random.NextDouble() >= activeShare)
                {
                    continue;
                }
                var dayBillable = package.IncludedTokens * (decimal)(intensity / activeShare / period.Days * (0.5 + random.NextDouble()));
                foreach (var (model, weight) in used)
                {
                    var tokens = (long)(dayBillable * (decimal)(weight / weights) / model.Multiplier);
                    if (tokens == 0)
                    {
                        continue;
                    }
                    var billable = tokens * model.Multiplier;
                    var fromAllowance = Math.Min(billable, package.IncludedTokens - allowanceUsed);
                    allowanceUsed += fromAllowance;
                    var fromTopUp = topUpSold is { } sold && day >= BusinessCalendar.DayStartUtc(sold) ? Math.Min(billable - fromAllowance, topUpLeft) : 0;
                    topUpLeft -= fromTopUp;
                    topUpUsed += fromTopUp;
                    var beyond = billable - fromAllowance - fromTopUp;
                    var overage = package.StopsAtLimit ? 0 : beyond;
                    var baseMicros = Money.RoundMicros(overage * package.OveragePerMTok);
                    var revenue = discounted ? Money.RoundMicros(overage * package.OveragePerMTok * 0.9m) : baseMicros;
                    Set(usage, day.Ticks, id, model.Id, tokens, 1 + tokens / 3_000, revenue, Money.RoundMicros(tokens * model.CostPerMTok), Millionths(fromAllowance + fromTopUp),
                        Millionths(overage), baseMicros, Millionths(package.StopsAtLimit ? beyond : 0));
                    usageRows++;
                }
            }
            CloseBucket();
            if (topUpSold is { } at)
            {
                Set(bucket, id, "TopUp", at.Ticks, at.AddDays(30).Ticks, Millionths(catalog.TopUp.IncludedTokens), Millionths(topUpUsed), catalog.TopUp.Id,
                    catalog.TopUp.VersionId, FeeSpread.ToFen(catalog.TopUp.PriceCny));
                topUps++;
                // The fee recognizer spreads the pack's price over its validity days from the sale day (no fee: the bill reads the sale).
                var priceFen = FeeSpread.ToFen(catalog.TopUp.PriceCny);
                var soldDay = BusinessCalendar.DayStartUtc(at);
                for (var day = soldDay; day < monthEnd; day = day.AddDays(1))
                {
                    Set(topUpRevenue, day.Ticks, id, catalog.TopUp.Id, region, industry, FeeSpread.ShareOfDay(priceFen, 30, (int)(day - soldDay).TotalDays) * MicrosPerFen);
                }
            }
            // Usage of the last days of the month before that reached the console after that month was billed.
            if (previousFeeFen > 0 && !package.StopsAtLimit && random.Next(100) == 0)
            {
                var model = used[0].Model;
                for (var d = 1; d <= 2; d++)
                {
                    var tokens = 1_000_000L + random.Next(20_000_000);
                    var overage = tokens * model.Multiplier;
                    var micros = Money.RoundMicros(overage * package.OveragePerMTok);
                    Set(usage, monthStart.AddDays(-d).Ticks, id, model.Id, tokens, 1 + tokens / 3_000, micros, Money.RoundMicros(tokens * model.CostPerMTok), 0L, Millionths(overage), micros, 0L);
                    lateRows++;
                }
            }
        }
        using (var run = connection.CreateCommand())
        {
            run.Transaction = transaction;
            run.CommandText = "INSERT INTO BillRuns (Period, StartedAt, FinishedAt, StartedById, StartedByName, Customers, BillsIssued) VALUES ($p, $at, $at, 'system:scheduler', 'Scheduler', $c, $b)";
            run.Parameters.AddWithValue("$p", previous.Period);
            run.Parameters.AddWithValue("$at", previousIssued);
            run.Parameters.AddWithValue("$c", customers.Count);
            run.Parameters.AddWithValue("$b", previousBills);
            run.ExecuteNonQuery();
        }
        transaction.Commit();
        return new BenchMonthData(usageRows, feeRows, topUps, credits, lateRows, previousBills);
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

    private static void Set(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
        command.ExecuteNonQuery();
    }
}
