using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Customers;

namespace TokenConsole.Data.Seeding;

/// <summary>
/// Fills an empty database with the demo data set: catalog, compute, customers and 90 days of usage. Deterministic:
/// the same seed and the same start hour give the same data.
/// </summary>
/// <remarks>
/// With the console's services (<paramref name="services"/>, as the app starts) the billing side follows the usage:
/// fees recognized through yesterday, the last three months billed, a few credit notes. Tools and tests that build the
/// seeder by hand get the usage side only.
/// </remarks>
public sealed class DemoDataSeeder(IOptions<DemoOptions> options, TimeProvider clock, ILogger<DemoDataSeeder> logger, IServiceProvider? services = null)
{
    private static readonly (string En, string Zh)[] Brands =
    [
        ("Huaxin", "华信"), ("Zhongke", "中科"), ("Tianrui", "天瑞"), ("Jinhong", "金鸿"), ("Boyuan", "博远"), ("Xinghe", "星河"),
        ("Ruida", "瑞达"), ("Hengtong", "恒通"), ("Yunfan", "云帆"), ("Minghua", "明华"), ("Kaiyuan", "开元"), ("Longteng", "龙腾"),
        ("Anda", "安达"), ("Shengshi", "盛世"), ("Zhiyuan", "致远"), ("Haina", "海纳"), ("Qiming", "启明"), ("Xinda", "信达"),
    ];

    /// <summary>The trigger that adds a new customer to the search index (migration CustomersUiAdditions).</summary>
    private const string SearchInsertTrigger = "Customers_Search_Insert";

    public async Task SeedAsync(TokenConsoleDbContext db, CancellationToken cancellationToken)
    {
        var demo = options.Value;
        var random = new Random(demo.Seed);
        var now = clock.GetUtcNow();
        var start = now.AddDays(-demo.Days);

        var models = DemoCatalog.Models.Select(m => new AiModel
        {
            Code = m.Code, Name = m.Name, Vendor = m.Vendor, Family = m.Family, Modality = m.Modality, ContextWindow = m.Context,
            Status = m.Status, ListPriceInputPerMTok = m.ListIn, ListPriceOutputPerMTok = m.ListOut,
            InputCostPerMTok = decimal.Round(m.ListIn * DemoCatalog.CostShareOfListPrice, 4),
            OutputCostPerMTok = decimal.Round(m.ListOut * DemoCatalog.CostShareOfListPrice, 4),
        }).ToList();
        var pools = DemoCatalog.Pools.Select(p => new ComputePool
        {
            Code = p.Code, Name = p.Name, NameZh = p.NameZh, RegionCode = p.Region, Tier = p.Tier, AcceleratorKind = p.Accelerator,
            AcceleratorCount = p.Count, CapacityTokensPerSecond = p.Capacity, CostPerHour = p.CostPerHour, Status = p.Status,
        }).ToList();
        db.Models.AddRange(models);
        db.Pools.AddRange(pools);
        await db.SaveChangesAsync(cancellationToken);

        var modelByCode = models.ToDictionary(m => m.Code);
        var poolByCode = pools.ToDictionary(p => p.Code);
        var deployments = DemoCatalog.Deployments.Select(d => new Deployment
        {
            ModelId = modelByCode[d.Model].Id, PoolId = poolByCode[d.Pool].Id, Role = d.Role,
            AllocatedTokensPerSecond = (long)(poolByCode[d.Pool].CapacityTokensPerSecond * d.Share),
            RoutingWeight = (int)Math.Round(d.Share * 100),
        }).ToList();
        db.Deployments.AddRange(deployments);

        // The demo catalog was written by the demo product manager and approved by the demo executive: by their ids and
        // names, as the console records anyone's work (the users are seeded just before; without them, by name alone).
        var people = await db.Users.AsNoTracking().Where(u => u.UserName == "pm" || u.UserName == "exec" || u.UserName == "am")
            .ToDictionaryAsync(u => u.UserName!, u => new Writes.Actor(u.Id, u.DisplayName), cancellationToken);
        var author = people.GetValueOrDefault("pm") ?? new Writes.Actor("pm", "Lin Wei");
        var approver = people.GetValueOrDefault("exec") ?? new Writes.Actor("exec", "Chen Jing");
        var packages = DemoCatalog.Packages.Select(p => NewPackage(p, modelByCode, start, author, approver)).ToList();
        db.Packages.AddRange(packages);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var package in packages.Where(p => p.Status is PackageStatus.Active or PackageStatus.Retired))
        {
            package.ActiveVersionId = package.Versions[0].Id;
        }
        await db.SaveChangesAsync(cancellationToken);

        var regions = await db.Regions.AsNoTracking().ToListAsync(cancellationToken);
        var (customers, activity) = NewCustomers(demo.Customers, regions, random, start);
        // The demo account manager looks after every business and government customer (personal users have none).
        var accountManager = people.GetValueOrDefault("am");
        foreach (var customer in customers.Where(c => c.Segment != CustomerSegment.Personal))
        {
            customer.AccountManagerId = accountManager?.Id;
        }
        await AddCustomersAsync(db, customers, cancellationToken);
        var subscriptions = NewSubscriptions(customers, packages, random, start, now);
        await AddSubscriptionsAsync(db, subscriptions, cancellationToken);

        var router = new PoolRouter(deployments, pools.ToDictionary(p => p.Id), regions);
        var usage = new DemoUsageGenerator(demo, random, router, models, packages, customers, activity, subscriptions, accountManager?.Id);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var written = await usage.WriteAsync(db, now, cancellationToken);
        var generated = stopwatch.ElapsedMilliseconds;
        await usage.WriteBucketsAsync(db, cancellationToken);
        RecordTopUpSales(db, usage.Buckets, subscriptions, customers, packages, accountManager);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Demo data: {Customers} customers, {Rollups} rollup rows, {Events} usage events, {Buckets} buckets; usage in {Usage} ms, buckets, notifications and audit in {Rows} ms",
            customers.Count, written.Rollups, written.Events, usage.Buckets.Count, generated, stopwatch.ElapsedMilliseconds - generated);
        if (services is not null)
        {
            await DemoBilling.SeedAsync(services, start, now, accountManager, logger, cancellationToken);
        }
        // Last, so that it heads the seeded part of the audit log (the bill runs and credit notes above are entries of their own).
        Features.Admin.Audit.Record(db, clock, Writes.Actor.Seeder, Features.Admin.AuditActions.DemoDataSeeded, "Database", null, after: new
        {
            demo.Seed, Models = models.Count, Pools = pools.Count, Packages = packages.Count, Customers = customers.Count, written.Rollups, written.Events,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The customers with their ids, by the bulk row writer (prepared INSERTs on SQLite, COPY on PostgreSQL): EF took
    /// about 1.5 s for the 2,000 rows, a tenth of the first-start budget. On SQLite the search index (FTS5, kept by
    /// triggers) is built once after them, in the same transaction: its insert trigger, one FTS insert per row, took 1.4 s
    /// of the 1.5 s for 20,000 customers; a rebuild from the table takes 0.13 s.
    /// </summary>
    private static async Task AddCustomersAsync(TokenConsoleDbContext db, List<Customer> customers, CancellationToken cancellationToken)
    {
        var sqlite = db.Database.IsSqlite();
        await InTransactionAsync(db, async (connection, transaction) =>
        {
            var id = (int)await NextIdAsync(connection, transaction, "Customers");
            // The trigger as its migration created it, put back unchanged.
            var searchTrigger = !sqlite ? null : (string?)await ScalarAsync(connection, transaction,
                $"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = '{SearchInsertTrigger}'");
            if (searchTrigger is not null)
            {
                await ExecuteAsync(connection, transaction, $"DROP TRIGGER \"{SearchInsertTrigger}\"");
            }
            using (var insert = RowWriter.Open(connection, "Customers",
                "Id", "Code", "Name", "NameZh", "Segment", "IndustryCode", "RegionCode", "CreatedAt", "AccountManagerId", "Status", "Version"))
            {
                foreach (var c in customers)
                {
                    c.Id = id++;
                    insert.Add(c.Id).Add(c.Code).Add(c.Name).Add(c.NameZh).Add(c.Segment.ToString()).Add(c.IndustryCode).Add(c.RegionCode).Add(c.CreatedAt.UtcTicks)
                        .Add(c.AccountManagerId).Add(c.Status.ToString()).Add(c.Version).Insert();
                }
                insert.Complete();
            }
            if (searchTrigger is not null)
            {
                await ExecuteAsync(connection, transaction, """INSERT INTO "CustomerSearch"("CustomerSearch") VALUES ('rebuild')""");
                await ExecuteAsync(connection, transaction, searchTrigger);
            }
            if (!sqlite)
            {
                await PostgreSQL.PostgresIdentities.ResyncAsync(connection, transaction, "Customers");
            }
        }, cancellationToken);
    }

    /// <summary>The subscriptions and their terms with their ids, by the bulk row writer (as the customers).</summary>
    private static async Task AddSubscriptionsAsync(TokenConsoleDbContext db, List<Subscription> subscriptions, CancellationToken cancellationToken)
    {
        var sqlite = db.Database.IsSqlite();
        await InTransactionAsync(db, async (connection, transaction) =>
        {
            var id = (int)await NextIdAsync(connection, transaction, "Subscriptions");
            var termId = (int)await NextIdAsync(connection, transaction, "SubscriptionTerms");
            using var insert = RowWriter.Open(connection, "Subscriptions",
                "Id", "CustomerId", "PackageId", "PackageVersionId", "StartsAt", "EndsAt", "Status", "SuspendedAt", "Version");
            using var insertTerm = RowWriter.Open(connection, "SubscriptionTerms", "Id", "SubscriptionId", "PackageVersionId", "From", "To", "Anchor").After(insert);
            foreach (var s in subscriptions)
            {
                s.Id = id++;
                insert.Add(s.Id).Add(s.CustomerId).Add(s.PackageId).Add(s.PackageVersionId).Add(s.StartsAt.UtcTicks).Add(s.EndsAt?.UtcTicks)
                    .Add(s.Status.ToString()).Add(s.SuspendedAt?.UtcTicks).Add(s.Version).Insert();
                foreach (var t in s.Terms)
                {
                    t.Id = termId++;
                    t.SubscriptionId = s.Id;
                    insertTerm.Add(t.Id).Add(t.SubscriptionId).Add(t.PackageVersionId).Add(t.From.UtcTicks).Add(t.To?.UtcTicks).Add(t.Anchor.Ticks).Insert();
                }
            }
            insert.Complete();
            insertTerm.Complete();
            if (!sqlite)
            {
                await PostgreSQL.PostgresIdentities.ResyncAsync(connection, transaction, "Subscriptions", "SubscriptionTerms");
            }
        }, cancellationToken);
    }

    private static async Task InTransactionAsync(TokenConsoleDbContext db, Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task> write, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await write(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<long> NextIdAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string table) =>
        Convert.ToInt64(await ScalarAsync(connection, transaction, $"SELECT COALESCE(MAX(\"Id\"), 0) + 1 FROM \"{table}\""), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<object?> ScalarAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Each top-up pack the demo account manager sold, in the audit log as the console records a sale (at its instant).</summary>
    private static void RecordTopUpSales(TokenConsoleDbContext db, List<AllowanceBucket> buckets, List<Subscription> subscriptions, List<Customer> customers,
        List<TokenPackage> packages, Writes.Actor? accountManager)
    {
        var customerCode = customers.ToDictionary(c => c.Id, c => c.Code);
        var packageCode = packages.ToDictionary(p => p.Id, p => p.Code);
        var seller = accountManager ?? Writes.Actor.Seeder;
        foreach (var topUp in buckets.Where(b => b.Kind == BucketKind.TopUp))
        {
            db.AuditEntries.Add(Features.Admin.Audit.Entry(topUp.ValidFrom, seller, Features.Admin.AuditActions.TopUpSold, "Subscription",
                topUp.SubscriptionId.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
                new TopUpSnapshot(customerCode[topUp.CustomerId], packageCode[topUp.TopUpPackageId!.Value], topUp.Id, topUp.Included, topUp.ValidFrom, topUp.ValidTo, topUp.PriceFen!.Value)));
        }
    }

    private static TokenPackage NewPackage(DemoCatalog.PackageSeed seed, Dictionary<string, AiModel> modelByCode, DateTimeOffset start,
        Writes.Actor author, Writes.Actor approver)
    {
        var published = seed.Status is PackageStatus.Active or PackageStatus.Retired;
        var version = new PackageVersion
        {
            Number = 1, Status = seed.Status, NameEn = seed.NameEn, NameZh = seed.NameZh, Tags = seed.Tags,
            Description = $"{seed.NameEn}: {seed.IncludedTokens / 1_000_000:N0}M tokens, {seed.Billing}.",
            BillingPeriod = seed.Billing, ValidityDays = seed.ValidityDays, PriceCny = seed.Price, IncludedTokens = seed.IncludedTokens,
            OveragePricePerMTok = seed.Overage, RolloverPercent = seed.Rollover, WhenExhausted = seed.WhenExhausted, TierModel = TierModel.Graduated, ConcurrencyLimit = seed.Concurrency,
            TokensPerMinuteLimit = seed.TokensPerMinute, SlaPercent = seed.Sla,
            Tiers = [.. (seed.Tiers ?? []).Select(t => new VolumeTier { FromTokens = t.From, PricePerMTok = t.Price })],
            Entitlements = [.. seed.Models.Select(m => new ModelEntitlement { ModelId = modelByCode[m.Model].Id, Multiplier = m.Multiplier })],
            EffectiveFrom = published ? start.AddDays(-30) : null,
            EffectiveTo = seed.Status == PackageStatus.Retired ? start.AddDays(20) : null,
            PublishedAt = published ? start.AddDays(-31) : null,
            PublishedBy = published ? approver.Name : null,
            CreatedBy = author.Name, CreatedById = author.Id, CreatedAt = start.AddDays(-45),
            SubmittedBy = seed.Status == PackageStatus.Draft ? null : author.Name, SubmittedById = seed.Status == PackageStatus.Draft ? null : author.Id,
            SubmittedAt = seed.Status == PackageStatus.Draft ? null : start.AddDays(-40),
        };
        return new TokenPackage
        {
            Code = seed.Code, Segment = seed.Segment, Kind = seed.Kind, Status = seed.Status, CreatedBy = author.Name, CreatedById = author.Id, CreatedAt = start.AddDays(-45),
            Versions = [version],
        };
    }

    /// <summary>Customers, and how busy each one is relative to the others (a log-normal spread).</summary>
    private static (List<Customer> Customers, Dictionary<Customer, double> Activity) NewCustomers(int count, List<Region> regions, Random random, DateTimeOffset start)
    {
        var industries = ReferenceCatalog.Industries;
        var cells = new List<(string Region, string Industry, double Weight)>();
        foreach (var region in regions)
        {
            foreach (var industry in industries)
            {
                cells.Add((region.Code, industry.Code, region.EconomicWeight * industry.Share * ReferenceCatalog.Affinity(region.Code, industry.Code)));
            }
        }
        var cumulative = Cumulative(cells.Select(c => c.Weight));
        var cityOf = ReferenceCatalog.Regions.ToDictionary(r => r.Code);
        var customers = new List<Customer>(count);
        var activity = new Dictionary<Customer, double>(count);
        for (var i = 0; i < count; i++)
        {
            // The first customers go one to each region × industry cell, so that no heatmap cell is empty; they are small
            // users, so that the provinces' economic weight, which places all the others, still shapes the consumption.
            var filler = i < cells.Count;
            var cell = filler ? cells[i] : cells[Pick(cumulative, random.NextDouble())];
            var segment = cell.Industry switch
            {
                "consumer" => CustomerSegment.Personal,
                "government" => CustomerSegment.Government,
                _ => random.NextDouble() < 0.25 ? CustomerSegment.LargeEnterprise : CustomerSegment.Sme,
            };
            var code = $"C{i + 1:D5}";
            var (en, zh) = CustomerName(segment, cityOf[cell.Region], ReferenceCatalog.Industries.First(x => x.Code == cell.Industry), code, random);
            var customer = new Customer
            {
                Code = code, Name = en, NameZh = zh, Segment = segment, RegionCode = cell.Region, IndustryCode = cell.Industry,
                CreatedAt = start.AddDays(-random.Next(30, 400)),
            };
            customers.Add(customer);
            activity[customer] = Math.Exp(random.NextDouble() * 2.5) * (filler ? 0.15 : 1.0);
        }
        return (customers, activity);
    }

    private static (string En, string Zh) CustomerName(
        CustomerSegment segment, (string Code, string En, string Zh, MacroRegion Macro, double Gdp2023, string CityEn, string CityZh) region,
        (string Code, string En, string Zh, double Share, string WordEn, string WordZh) industry, string code, Random random)
    {
        switch (segment)
        {
            case CustomerSegment.Personal:
                return ($"Personal user {code}", $"个人用户 {code}");
            case CustomerSegment.Government:
                string[] en = [$"{region.En} Big Data Bureau", $"{region.CityEn} Municipal Data Bureau", $"{region.CityEn} Urban Operations Centre", $"{region.En} Government Services Administration"];
                string[] zh = [$"{region.Zh}大数据局", $"{region.CityZh}市数据局", $"{region.CityZh}城市运行管理中心", $"{region.Zh}政务服务管理局"];
                var g = random.Next(en.Length);
                return (en[g], zh[g]);
            default:
                var (brandEn, brandZh) = Brands[random.Next(Brands.Length)];
                var size = segment == CustomerSegment.LargeEnterprise ? ("Group", "集团") : ("Co., Ltd.", "有限公司");
                return ($"{region.CityEn} {brandEn} {industry.WordEn} {size.Item1}", $"{region.CityZh}{brandZh}{industry.WordZh}{size.Item2}");
        }
    }

    private static List<Features.Catalog.TokenPackage> SellablePackages(List<TokenPackage> packages) =>
        [.. packages.Where(p => p.Kind == PackageKind.Base && (p.Status is PackageStatus.Active or PackageStatus.Retired))];

    private static List<Subscription> NewSubscriptions(List<Customer> customers, List<TokenPackage> packages, Random random, DateTimeOffset start, DateTimeOffset now)
    {
        var sellable = SellablePackages(packages);
        var subscriptions = new List<Subscription>(customers.Count);
        // The first customers fill the heatmap's cells (see NewCustomers): none of them holds a day pass, which would have
        // expired before the usage starts and leave its cell empty.
        var fillers = CellCount;
        for (var i = 0; i < customers.Count; i++)
        {
            var customer = customers[i];
            // Prefer a package of the customer's segment made for its industry; fall back to any package of the segment.
            var candidates = sellable.Where(p => p.Segment == customer.Segment).ToList();
            if (customer.Segment == CustomerSegment.LargeEnterprise && !candidates.Any(p => Tags(p).Contains(customer.IndustryCode)))
            {
                candidates = [.. candidates.Where(p => p.Code is "ENT-CS" or "ENT-OFFICE")];
            }
            var filler = i < fillers;
            var weights = candidates.Select(p => Tags(p).Contains(customer.IndustryCode) ? 6.0 : 1.0).Select((w, c) => candidates[c].Code switch
            {
                "P-LITE" => 5.0, "P-PLUS" => 3.0, "P-DAYPASS" when filler => 0.0, "P-CAMPUS" or "P-DAYPASS" => 0.7, _ => w,
            });
            var package = candidates[Pick(Cumulative(weights), random.NextDouble())];
            var startsAt = start.AddDays(-random.Next(0, 60));
            // The draw that used to fix an end date stays, so the rest of the demo data comes out as before.
            var version = package.Versions[0];
            _ = version.BillingPeriod == BillingPeriod.Annual ? random.Next(30, 330) : random.Next(1, 30);
            var anchor = BusinessCalendar.DayStartUtc(startsAt.UtcDateTime);
            // A one-off pack past its validity is seeded as the clock would leave it (Expired, its term ended), so the
            // clock's first round at start-up has nothing to change.
            var ended = version.BillingPeriod == BillingPeriod.OneOff
                && BillingCycle.PeriodContaining(BillingPeriod.OneOff, version.ValidityDays, anchor, now.UtcDateTime) is null;
            DateTimeOffset? to = ended ? new DateTimeOffset(anchor.AddDays(Math.Max(1, version.ValidityDays)), TimeSpan.Zero) : null;
            subscriptions.Add(new Subscription
            {
                CustomerId = customer.Id, PackageId = package.Id, PackageVersionId = version.Id,
                StartsAt = startsAt, Status = ended ? SubscriptionStatus.Expired : SubscriptionStatus.Active, EndsAt = to,
                Terms = [new SubscriptionTerm { PackageVersionId = version.Id, From = startsAt, To = to, Anchor = anchor }],
            });
        }
        return subscriptions;
    }

    /// <summary>Region × industry cells: the first this many customers go one to each cell.</summary>
    internal static int CellCount => ReferenceCatalog.Regions.Count * ReferenceCatalog.Industries.Count;

    private static string[] Tags(TokenPackage package) => package.Versions[0].Tags.Split(',');

    internal static double[] Cumulative(IEnumerable<double> weights)
    {
        var list = weights.ToArray();
        var total = list.Sum();
        var running = 0.0;
        return [.. list.Select(w => running += w / total)];
    }

    internal static int Pick(double[] cumulative, double uniform)
    {
        var index = Array.BinarySearch(cumulative, uniform);
        index = index < 0 ? ~index : index;
        return Math.Min(index, cumulative.Length - 1);
    }
}
