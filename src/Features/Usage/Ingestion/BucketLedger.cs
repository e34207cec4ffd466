using System.Data.Common;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Customers;
using TokenConsole.Features.Pricing;
using static TokenConsole.Data.TokenConsoleDbContext;

namespace TokenConsole.Features.Usage.Ingestion;

/// <summary>
/// The subscriptions' buckets as the usage writer draws on them, held in memory by the writer thread alone: per customer
/// and package the subscription, its terms and its buckets. For an event: the term in force at its time, that term's
/// billing period, the period's allowance and rollover (opened in the writer's transaction at the period's first usage:
/// INSERT … ON CONFLICT DO NOTHING, then the row read back), and the top-ups valid then. What an event draws is added
/// to <c>Used</c> in memory at once (the next event of the transaction sees it) and written by one UPDATE per bucket
/// per transaction (<see cref="Flush"/>), in the transaction of the events: a duplicate event draws nothing, and a
/// failed transaction leaves the ledger <see cref="Stale"/> so that the writer reloads it from the database.
/// </summary>
internal sealed partial class BucketLedger : IDisposable
{
    private readonly Dictionary<long, Holding> _holdings = [];
    private readonly List<Bucket> _dirty = [];
    private DbConnection? _connection;
    private long _now;
    private Commands? _commands;

    /// <summary>True until loaded, after a failed transaction and when a subscription change was published: reload before the next transaction.</summary>
    public bool Stale { get; private set; } = true;

    /// <summary>Asks for a reload before the next transaction (any thread).</summary>
    public void Invalidate() => Volatile.Write(ref _invalidated, true);

    private bool _invalidated;

    /// <summary>What an event may draw: the buckets it draws on (null: no subscription or period) and what the rating needs.</summary>
    public readonly record struct Draw(Holding? Holding, Period? Period, decimal Remaining, ExhaustionPolicy WhenExhausted, int VersionId);

    public static long Key(int customerId, int packageId) => ((long)customerId << 32) | (uint)packageId;

    /// <summary>Starts a transaction's use of the ledger: the SQL that opens periods runs in it.</summary>
    public void Begin(DbConnection connection, DbTransaction transaction, long nowTicks)
    {
        if (!ReferenceEquals(connection, _connection))
        {
            _commands?.Dispose();
            _commands = new Commands(connection);
            _connection = connection;
        }
        _commands!.Enlist(transaction);
        _now = nowTicks;
        _dirty.Clear();
    }

    /// <summary>The buckets valid for <paramref name="e"/> and what they still hold; opens the period's buckets when it is the first usage in it.</summary>
    public Draw Find(in ValidUsageEvent e, PriceBook book)
    {
        if (!_holdings.TryGetValue(Key(e.CustomerId, e.PackageId), out var holding))
        {
            // Validation checks the holding first; should one be missing, the usage is pay-as-you-go with no bucket.
            return default;
        }
        var ticks = e.Timestamp.UtcTicks;
        if (holding.Last is not { } period || ticks < holding.LastFrom || ticks >= holding.LastTo)
        {
            period = Resolve(holding, e.Timestamp, book);
            if (period is null)
            {
                var term = SubscriptionTerms.At(holding.Terms, e.Timestamp);
                var version = book.Version(holding.PackageId, term?.PackageVersionId ?? holding.PackageVersionId);
                // Outside every term (not started, ended) or past a one-off package's validity: nothing left to draw.
                var policy = term is null ? ExhaustionPolicy.PayAsYouGo : version?.WhenExhausted ?? ExhaustionPolicy.PayAsYouGo;
                return new Draw(holding, null, TopUpsRemaining(holding, ticks), policy, version?.VersionId ?? 0);
            }
        }
        return new Draw(holding, period, period.Remaining + TopUpsRemaining(holding, ticks), period.WhenExhausted, period.VersionId);
    }

    /// <summary>
    /// Takes <paramref name="tokens"/> (the billable tokens the rating put inside the buckets) from the rollover, the
    /// allowance, then the top-ups by earliest expiry; writes a threshold notification when the period crosses 80 % or 100 %.
    /// </summary>
    public void Debit(in Draw draw, in ValidUsageEvent e, decimal tokens)
    {
        if (tokens <= 0 || draw.Holding is not { } holding)
        {
            return;
        }
        var left = tokens;
        if (draw.Period is { } period)
        {
            if (period.Rollover is { } rollover)
            {
                left = Take(rollover, left);
            }
            left = Take(period.Allowance, left);
            if (left < tokens)
            {
                Notify(holding, period);
            }
        }
        var ticks = e.Timestamp.UtcTicks;
        foreach (var topUp in holding.TopUps)
        {
            if (left <= 0)
            {
                break;
            }
            if (topUp.ValidFrom <= ticks && ticks < topUp.ValidTo)
            {
                left = Take(topUp, left);
            }
        }
    }

    /// <summary>
    /// Writes what the transaction drew: one UPDATE per bucket that changed, through <paramref name="addUsed"/> (bucket id,
    /// millionths) — the writer's natively prepared statement, since this runs for about every active subscription per transaction.
    /// </summary>
    public void Flush(Action<long, long> addUsed)
    {
        foreach (var bucket in _dirty)
        {
            addUsed(bucket.Id, MillionthsConverter.ToMillionths(bucket.Pending));
            bucket.Pending = 0;
            bucket.Dirty = false;
        }
        _dirty.Clear();
    }

    /// <summary>The transaction failed: what is in memory no longer matches the database.</summary>
    public void Abandon()
    {
        Stale = true;
        _dirty.Clear();
    }

    /// <summary>True when the ledger must be reloaded before the next transaction.</summary>
    public bool NeedsReload => Stale || Volatile.Read(ref _invalidated);

    public void Dispose() => _commands?.Dispose();

    private decimal Take(Bucket bucket, decimal left)
    {
        var taken = Math.Min(left, bucket.Remaining);
        if (taken <= 0)
        {
            return left;
        }
        bucket.Used += taken;
        bucket.Pending += taken;
        if (!bucket.Dirty)
        {
            bucket.Dirty = true;
            _dirty.Add(bucket);
        }
        return left - taken;
    }

    private static decimal TopUpsRemaining(Holding holding, long ticks)
    {
        decimal remaining = 0;
        foreach (var topUp in holding.TopUps)
        {
            if (topUp.ValidFrom <= ticks && ticks < topUp.ValidTo)
            {
                remaining += topUp.Remaining;
            }
        }
        return remaining;
    }

    /// <summary>A subscription's buckets and what they belong to.</summary>
    public sealed class Holding
    {
        public int SubscriptionId { get; init; }
        public int CustomerId { get; init; }
        public int PackageId { get; init; }
        public int PackageVersionId { get; init; }
        public required string CustomerCode { get; init; }
        public required string PackageCode { get; init; }
        public required SubscriptionTerm[] Terms { get; init; }
        /// <summary>By earliest expiry, then id: the draw order.</summary>
        public Bucket[] TopUps { get; set; } = [];
        public List<Period> Periods { get; } = [];
        /// <summary>The period the last event fell in, and the instants (ticks) its term and period share: most events hit it.</summary>
        public Period? Last { get; set; }
        public long LastFrom { get; set; }
        public long LastTo { get; set; }
    }

    /// <summary>A billing period's allowance and rollover buckets, with the version that priced it and the notifications written.</summary>
    public sealed class Period
    {
        public long Start { get; init; }
        public long End { get; set; }
        public required Bucket Allowance { get; init; }
        public Bucket? Rollover { get; set; }
        public int VersionId { get; set; }
        public ExhaustionPolicy WhenExhausted { get; set; }
        public bool Notified80 { get; set; }
        public bool Notified100 { get; set; }

        public decimal Included => Allowance.Included + (Rollover?.Included ?? 0);
        public decimal Used => Allowance.Used + (Rollover?.Used ?? 0);
        public decimal Remaining => Allowance.Remaining + (Rollover?.Remaining ?? 0);
    }

    /// <summary>One bucket row: billable tokens, in memory ahead of the database by <see cref="Pending"/> during a transaction.</summary>
    public sealed class Bucket
    {
        public long Id { get; init; }
        public long ValidFrom { get; init; }
        public long ValidTo { get; init; }
        public decimal Included { get; set; }
        public decimal Used { get; set; }
        public decimal Pending { get; set; }
        public bool Dirty { get; set; }

        public decimal Remaining => Math.Max(0, Included - Used);
    }
}
