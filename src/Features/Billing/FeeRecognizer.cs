using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenConsole.Data;
using TokenConsole.Data.Cluster;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Customers;

namespace TokenConsole.Features.Billing;

/// <summary>
/// Recognizes fees and top-up packs as revenue, one Beijing day at a time as each day closes: for every subscription
/// the day's share of the term charged that day (<see cref="SubscriptionTerms.ChargedOn"/>, spread over its billing
/// period to the fen by <see cref="FeeSpread"/>), and for every top-up pack sold its price spread over its validity days
/// from its sale day. A stretch of whole days and the move of the <see cref="Job"/> watermark to its last day are one
/// transaction, so a killed run repeats no day and skips none. Suspended subscriptions keep paying (the commitment stands); a cancelled one
/// stops after its last term, because no term is in force on the days after it.
/// </summary>
public sealed class FeeRecognizer(IDbContextFactory<TokenConsoleDbContext> dbFactory, IFeeRevenueStore store, TimeProvider clock,
    IOptions<BillingOptions> options, ILogger<FeeRecognizer> logger, JobLease? lease = null) : BackgroundService
{
    public const string Job = "fees";

    private const long MicrosPerFen = 10_000;

    /// <summary>
    /// A transaction closes at the end of the day on which it reaches this many rows, or after a month of days. Each
    /// also upserts every customer's month once: at 20,000 customers, 50,000 rows a transaction (2–3 days) made 32 of
    /// them and 640,000 month upserts (0.8 s); 250,000 (12 days) make 8. The next transaction's rows are computed
    /// while one is written, so up to three transactions' rows are in memory (~25 MB each).
    /// </summary>
    internal const int RowsPerTransaction = 250_000;

    private const int MaxDaysPerTransaction = 31;

    /// <summary>Whether the catch-up at start succeeded; if not, the daily loop retries it after a back-off.</summary>
    private bool _caughtUp;

    // Built without a host (tests, benchmarks), the recognizer is one instance's and holds the lease.
    private readonly JobLease _lease = lease ?? JobLease.HeldAlone();

    /// <summary>
    /// Recognizes every day after the watermark through the Beijing day containing <paramref name="lastDayInclusive"/>
    /// (first run: from the earliest term's anchor day). Returns the number of days recognized now.
    /// </summary>
    public async Task<int> RecognizeThroughAsync(DateTime lastDayInclusive, CancellationToken cancellationToken = default)
    {
        var lastDay = BusinessCalendar.DayStartUtc(DateTime.SpecifyKind(lastDayInclusive, DateTimeKind.Utc));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firstDay = await FirstDayAsync(db, cancellationToken);
        if (firstDay is not { } first || first > lastDay)
        {
            return 0;
        }
        // Everything a day needs is loaded once per run: the days then cost only arithmetic and the writes.
        var book = await FeeBook.LoadAsync(db, first, lastDay.AddDays(1), cancellationToken);
        // The next transaction's rows are computed on another core while this one writes (the book is only read): at
        // 20,000 customers the arithmetic is 0.7 s of a 94-day catch-up that otherwise waited for it.
        var chunks = Channel.CreateBounded<(DateTime First, DateTime Last, List<RevenueDaily> Rows)>(
            new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(async () =>
        {
            try
            {
                var rows = new List<RevenueDaily>();
                var chunkFirst = first;
                for (var day = first; day <= lastDay; day = day.AddDays(1))
                {
                    rows.AddRange(book.RowsOf(day));
                    // Several days a transaction (a catch-up of months is a handful of commits, not one per day), cut at a
                    // day's end so that the watermark still says exactly which days are in.
                    if (rows.Count < RowsPerTransaction && day < lastDay && (day - chunkFirst).TotalDays < MaxDaysPerTransaction - 1)
                    {
                        continue;
                    }
                    await chunks.Writer.WriteAsync((chunkFirst, day, rows), stop.Token);
                    rows = [];
                    chunkFirst = day.AddDays(1);
                }
                chunks.Writer.Complete();
            }
            catch (Exception e)
            {
                chunks.Writer.Complete(e);
            }
        }, CancellationToken.None);
        var days = 0;
        try
        {
            await foreach (var (chunkFirst, chunkLast, rows) in chunks.Reader.ReadAllAsync(cancellationToken))
            {
                if (!await RecognizeDaysAsync(db, chunkFirst, chunkLast, rows, cancellationToken))
                {
                    break;
                }
                days += (int)(chunkLast - chunkFirst).TotalDays + 1;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await producer;
        }
        return days;
    }

    /// <summary>The day after the watermark, or the earliest anchor day (or top-up sale day) on the first run.</summary>
    private static async Task<DateTime?> FirstDayAsync(TokenConsoleDbContext db, CancellationToken cancellationToken)
    {
        var watermark = await db.JobWatermarks.AsNoTracking().FirstOrDefaultAsync(w => w.Job == Job, cancellationToken);
        if (watermark is not null)
        {
            return watermark.Through.AddDays(1);
        }
        var anchor = await db.SubscriptionTerms.MinAsync(t => (DateTime?)t.Anchor, cancellationToken);
        var sold = await db.AllowanceBuckets.Where(b => b.Kind == BucketKind.TopUp).MinAsync(b => (DateTimeOffset?)b.ValidFrom, cancellationToken);
        DateTime? soldDay = sold is { } s ? BusinessCalendar.DayStartUtc(s.UtcDateTime) : null;
        return (anchor, soldDay) switch
        {
            ({ } a, { } b) => BusinessCalendar.DayStartUtc(a < b ? a : b),
            ({ } a, null) => BusinessCalendar.DayStartUtc(a),
            (null, { } b) => b,
            _ => null,
        };
    }

    /// <summary>Days [first, last] in one transaction with the watermark; false when another run got there first.</summary>
    private async Task<bool> RecognizeDaysAsync(TokenConsoleDbContext db, DateTime first, DateTime last, IReadOnlyList<RevenueDaily> rows,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Read again inside the transaction: a second runner (another instance, a test) that moved it first wins.
        var watermark = await db.JobWatermarks.FirstOrDefaultAsync(w => w.Job == Job, cancellationToken);
        if (watermark is not null && watermark.Through >= first)
        {
            return false;
        }
        await store.AddAsync(db, rows, cancellationToken);
        if (watermark is null)
        {
            db.JobWatermarks.Add(new JobWatermark { Job = Job, Through = last });
        }
        else
        {
            watermark.Through = last;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return true;
    }

    /// <summary>
    /// Catches up before the host serves its first request, so that every page shows the same revenue from the start
    /// (a catch-up that fails is logged and retried by the daily loop).
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // A standby instance leaves it to the holder of the job lease, and catches up itself when it takes the lease over.
        _caughtUp = options.Value.RecognizeFees && _lease.IsHeld && await CatchUpAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>Each Beijing day shortly after midnight, through yesterday; a failing round is retried after a back-off.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RecognizeFees)
        {
            return;
        }
        // SQLite's "async" calls complete synchronously: without this, a round would run inside the host's start.
        await Task.Yield();
        var failures = _caughtUp ? 0 : 1;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            // A few minutes after the next Beijing midnight, so that the day is closed.
            var delay = failures > 0 ? Backoff.After(failures) : BusinessCalendar.DayStartUtc(now).AddDays(1).AddMinutes(5) - now;
            if (!await Backoff.WaitAsync(delay, clock, stoppingToken))
            {
                return;
            }
            await _lease.WhenHeldAsync(stoppingToken);
            failures = await CatchUpAsync(stoppingToken) ? 0 : failures + 1;
        }
    }

    private async Task<bool> CatchUpAsync(CancellationToken cancellationToken)
    {
        var yesterday = BusinessCalendar.DayStartUtc(clock.GetUtcNow().UtcDateTime).AddDays(-1);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var days = await RecognizeThroughAsync(yesterday, cancellationToken);
            if (days > 0)
            {
                logger.LogInformation("Recognized fees of {Days} day(s) through {Day:yyyy-MM-dd} in {Milliseconds:0} ms", days, BusinessCalendar.ToLocal(yesterday),
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Fee recognition failed; retrying after a back-off");
            return false;
        }
    }

    /// <summary>The terms, versions, customers and top-ups of a run, and the day's rows computed from them.</summary>
    private sealed class FeeBook
    {
        private readonly List<(int CustomerId, int PackageId, List<SubscriptionTerm> Terms)> _subscriptions = [];
        private readonly Dictionary<int, PackageVersion> _versions = [];
        private readonly Dictionary<int, (string Region, string Industry)> _customers = [];
        private readonly List<(int CustomerId, int PackageId, DateTime SaleDay, int Days, long PriceFen)> _topUps = [];

        public static async Task<FeeBook> LoadAsync(TokenConsoleDbContext db, DateTime from, DateTime to, CancellationToken cancellationToken)
        {
            var book = new FeeBook();
            var toInstant = new DateTimeOffset(to, TimeSpan.Zero);
            var fromInstant = new DateTimeOffset(from, TimeSpan.Zero);
            // Only terms that can be charged in [from, to): those that begin before it ends and end after it begins.
            var terms = await db.SubscriptionTerms.AsNoTracking()
                .Where(t => t.From < toInstant && (t.To == null || t.To > fromInstant))
                .ToListAsync(cancellationToken);
            var subscriptions = await db.Subscriptions.AsNoTracking()
                .Select(s => new { s.Id, s.CustomerId, s.PackageId })
                .ToDictionaryAsync(s => s.Id, cancellationToken);
            foreach (var group in terms.GroupBy(t => t.SubscriptionId))
            {
                if (subscriptions.TryGetValue(group.Key, out var s))
                {
                    book._subscriptions.Add((s.CustomerId, s.PackageId, [.. group.OrderBy(t => t.From)]));
                }
            }
            foreach (var version in await db.PackageVersions.AsNoTracking().ToListAsync(cancellationToken))
            {
                book._versions[version.Id] = version;
            }
            foreach (var c in await db.Customers.AsNoTracking().Select(c => new { c.Id, c.RegionCode, c.IndustryCode }).ToListAsync(cancellationToken))
            {
                book._customers[c.Id] = (c.RegionCode, c.IndustryCode);
            }
            // A top-up sold on its sale day is spread from that day: any sold before the range ends and valid after it begins.
            var fromSale = fromInstant.AddDays(-1);
            var topUps = await db.AllowanceBuckets.AsNoTracking()
                .Where(b => b.Kind == BucketKind.TopUp && b.PriceFen != null && b.ValidFrom < toInstant && b.ValidTo > fromSale)
                .Select(b => new { b.CustomerId, b.TopUpPackageId, b.TopUpPackageVersionId, b.ValidFrom, b.ValidTo, b.PriceFen })
                .ToListAsync(cancellationToken);
            foreach (var t in topUps)
            {
                var days = t.TopUpPackageVersionId is { } v && book._versions.TryGetValue(v, out var version) && version.ValidityDays > 0
                    ? version.ValidityDays
                    : (int)Math.Max(1, Math.Round((t.ValidTo - t.ValidFrom).TotalDays));
                book._topUps.Add((t.CustomerId, t.TopUpPackageId ?? 0, BusinessCalendar.DayStartUtc(t.ValidFrom.UtcDateTime), days, t.PriceFen!.Value));
            }
            return book;
        }

        /// <summary>The revenue rows of the Beijing day starting at <paramref name="day"/>, one per customer and package.</summary>
        public List<RevenueDaily> RowsOf(DateTime day)
        {
            var sums = new Dictionary<(int Customer, int Package), (long Fee, long TopUp)>();
            foreach (var (customerId, packageId, terms) in _subscriptions)
            {
                if (SubscriptionTerms.ChargedOn(terms, day) is not { } term || !_versions.TryGetValue(term.PackageVersionId, out var version))
                {
                    continue;
                }
                if (SubscriptionTerms.PeriodOf(term, version, new DateTimeOffset(day, TimeSpan.Zero)) is not { } period)
                {
                    continue; // a one-off package after its validity
                }
                var dayIndex = (int)((day - period.Start).Ticks / TimeSpan.TicksPerDay);
                var fen = FeeSpread.ShareOfDay(SubscriptionTerms.PeriodFeeFen(version), period.Days, dayIndex);
                if (fen != 0)
                {
                    // The package the term's version belongs to: after an upgrade, the new package earns the day.
                    var key = (customerId, version.PackageId == 0 ? packageId : version.PackageId);
                    var sum = sums.GetValueOrDefault(key);
                    sums[key] = (sum.Fee + fen * MicrosPerFen, sum.TopUp);
                }
            }
            foreach (var (customerId, packageId, saleDay, days, priceFen) in _topUps)
            {
                var dayIndex = (int)((day - saleDay).Ticks / TimeSpan.TicksPerDay);
                var fen = FeeSpread.ShareOfDay(priceFen, days, dayIndex);
                if (fen != 0)
                {
                    var key = (customerId, packageId);
                    var sum = sums.GetValueOrDefault(key);
                    sums[key] = (sum.Fee, sum.TopUp + fen * MicrosPerFen);
                }
            }
            var rows = new List<RevenueDaily>(sums.Count);
            foreach (var ((customerId, packageId), (fee, topUp)) in sums)
            {
                var (region, industry) = _customers.GetValueOrDefault(customerId, ("", ""));
                rows.Add(new RevenueDaily { Day = day, CustomerId = customerId, PackageId = packageId, RegionCode = region, IndustryCode = industry, FeeMicros = fee, TopUpMicros = topUp });
            }
            return rows;
        }
    }
}
