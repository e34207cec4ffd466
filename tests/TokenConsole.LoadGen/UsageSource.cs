using System.Buffers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;

namespace TokenConsole.LoadGen;

/// <summary>
/// Realistic usage from the console's own data: a customer (busier segments more often), one of its packages, a model
/// that package entitles (standard models more than premium ones), the customer's region and industry, the pool the
/// console's router would choose, and token counts shaped like chat and RAG calls.
/// </summary>
public sealed class UsageSource
{
    private readonly Random _random;
    private readonly List<(string Code, string Region, string Industry, string Package, (int Id, string Code)[] Models)> _subscriptions;
    private double[] Cumulative { get; init; } = [];
    private readonly PoolRouter _router;
    private readonly Dictionary<int, string> _poolCodes;
    private readonly string[] _recentIds = new string[4096];
    private long _sequence;

    private UsageSource(Random random, List<(string, string, string, string, (int, string)[])> subscriptions, PoolRouter router, Dictionary<int, string> poolCodes)
    {
        _random = random;
        _subscriptions = subscriptions;
        _router = router;
        _poolCodes = poolCodes;
    }

    public static async Task<UsageSource> LoadAsync(string database, int seed, CancellationToken cancellationToken)
    {
        // A SQLite file, or a PostgreSQL connection string ("Host=…").
        var builder = new DbContextOptionsBuilder<TokenConsoleDbContext>();
        var options = (database.StartsWith("Host=", StringComparison.OrdinalIgnoreCase)
            ? builder.UseNpgsql(database) : builder.UseSqlite($"Data Source={database};Mode=ReadOnly")).Options;
        await using var db = TokenConsoleDbContextFactory.Create(options);
        var packages = await db.Packages.AsNoTracking().Where(p => p.Status == PackageStatus.Active && p.ActiveVersionId != null)
            .Select(p => new { p.Id, p.Code, p.ActiveVersionId }).ToListAsync(cancellationToken);
        var entitlements = await db.Set<ModelEntitlement>().AsNoTracking().ToListAsync(cancellationToken);
        var models = await db.Models.AsNoTracking().ToDictionaryAsync(m => m.Id, cancellationToken);
        var rows = await (from s in db.Subscriptions
                          join c in db.Customers on s.CustomerId equals c.Id
                          where s.Status == SubscriptionStatus.Active
                          select new { c.Code, c.RegionCode, c.IndustryCode, s.PackageId, c.Segment }).ToListAsync(cancellationToken);
        var subscriptions = rows.Where(r => packages.Any(p => p.Id == r.PackageId)).Select(r =>
        {
            var package = packages.First(p => p.Id == r.PackageId);
            var entitled = entitlements.Where(e => e.PackageVersionId == package.ActiveVersionId)
                .SelectMany(e => Enumerable.Repeat((e.ModelId, models[e.ModelId].Code), e.Multiplier > 1 ? 1 : 3)).ToArray();
            return (r.Code, r.RegionCode, r.IndustryCode, package.Code, entitled, r.Segment);
        }).Where(s => s.entitled.Length > 0).ToList();
        var pools = await db.Pools.AsNoTracking().ToListAsync(cancellationToken);
        var router = new PoolRouter(await db.Deployments.AsNoTracking().ToListAsync(cancellationToken), pools.ToDictionary(p => p.Id),
            await db.Regions.AsNoTracking().ToListAsync(cancellationToken));
        if (subscriptions.Count == 0)
        {
            throw new InvalidOperationException("The database has no active subscriptions to generate usage for.");
        }
        // Busy customers call far more often than small ones: large enterprises and government bodies dominate the
        // traffic, as in the demo data, and each customer's activity varies log-normally within its segment.
        var random = new Random(seed);
        var weights = subscriptions.Select(s => s.Segment switch
        {
            CustomerSegment.LargeEnterprise => 40.0, CustomerSegment.Government => 25.0, CustomerSegment.Sme => 6.0, _ => 1.0,
        } * Math.Exp(random.NextDouble() * 2.5)).ToArray();
        var total = weights.Sum();
        var running = 0.0;
        return new UsageSource(random, [.. subscriptions.Select(s => (s.Item1, s.RegionCode, s.IndustryCode, s.Item4, s.entitled))], router,
            pools.ToDictionary(p => p.Id, p => p.Code)) { Cumulative = [.. weights.Select(w => running += w / total)] };
    }

    /// <summary>A version-4 UUID from the seeded generator, so that a run's ids are random but repeatable.</summary>
    public static string Uuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }

    /// <summary>Writes one request body of <paramref name="count"/> events, a share of them repeats of earlier ids.</summary>
    public byte[] NextBatch(int count, double duplicateRatio, DateTimeOffset now, IdShape ids = IdShape.Uuid)
    {
        var buffer = new ArrayBufferWriter<byte>(count * 260);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("events");
            for (var i = 0; i < count; i++)
            {
                var pick = Array.BinarySearch(Cumulative, _random.NextDouble());
                var (customer, region, industry, package, entitled) = _subscriptions[Math.Min(pick < 0 ? ~pick : pick, _subscriptions.Count - 1)];
                var (modelId, model) = entitled[_random.Next(entitled.Length)];
                string id;
                if (_sequence > _recentIds.Length && _random.NextDouble() < duplicateRatio)
                {
                    id = _recentIds[_random.Next(_recentIds.Length)];
                }
                else
                {
                    id = ids == IdShape.Uuid ? Uuid(_random) : $"lg-{Environment.ProcessId}-{_sequence:x}-{_random.Next():x}";
                    _recentIds[_sequence++ % _recentIds.Length] = id;
                }
                json.WriteStartObject();
                json.WriteString("id", id);
                json.WriteString("timestamp", now.AddMilliseconds(-_random.Next(60_000)));
                json.WriteString("customer", customer);
                json.WriteString("package", package);
                json.WriteString("model", model);
                json.WriteString("region", region);
                json.WriteString("industry", industry);
                json.WriteNumber("inputTokens", 200 + _random.Next(4_000));
                json.WriteNumber("outputTokens", 50 + _random.Next(1_200));
                if (_router.Route(modelId, region, _random.NextDouble()) is { } pool)
                {
                    json.WriteString("pool", _poolCodes[pool]);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
