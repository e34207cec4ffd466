using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Customers;

namespace TokenConsole.Features.Billing;

/// <summary>How far a bill run has got: customers gone through of all, bills issued so far (this run and the ones it resumed).</summary>
public sealed record BillRunProgress(long RunId, int Period, int CustomersDone, int CustomersTotal, int BillsIssued, bool Finished);

/// <summary>
/// Closes a Beijing month: one immutable bill per customer with anything to bill. It goes through the customers in
/// batches (one transaction each, through the one write path): a run that is repeated, or resumed after a kill, skips the
/// customers that have their bill (one query per batch), and the unique (customer, month) index is the last guard, so
/// each bill exists once. Reads are set-based: the month's usage and fees are summed once per run, top-ups and credits
/// read once per batch, all in EF LINQ (portable to PostgreSQL); the bills are inserted through <see cref="IBillStore"/>.
/// </summary>
public sealed class BillRunService(
    IDbContextFactory<TokenConsoleDbContext> dbFactory, AuditedWriter writer, IBillStore store, FeeRecognizer feeRecognizer, TimeProvider clock,
    IOptions<BillingOptions> options, ILogger<BillRunService> logger) : IDisposable
{
    /// <summary>Usage that arrives after its month was closed is billed on the bills of this many later months.</summary>
    public const int LateMonths = 2;

    // One run at a time in this process: the scheduler and an account manager asking at once would only race each
    // other to the unique index. (Several instances: issue 15's distributed lock.)
    private readonly SemaphoreSlim _running = new(1, 1);

    public bool IsRunning => _running.CurrentCount == 0;

    public void Dispose() => _running.Dispose();

    /// <summary>A run started by a person (policy <see cref="Policies.RunBills"/>), for a month that has ended.</summary>
    public async Task<WriteResult<BillRunProgress>> RunAsync(ClaimsPrincipal user, BillMonth month, IProgress<BillRunProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (await writer.AuthorizeAsync(user, Policies.RunBills, cancellationToken) is { } refused)
        {
            return refused;
        }
        if (month.Period >= BillMonth.Containing(clock.GetUtcNow()).Period)
        {
            return new Refusal("Only a month that has ended can be billed.", "month");
        }
        if (!await _running.WaitAsync(0, cancellationToken))
        {
            return new Refusal("A bill run is already running; wait for it to finish.", "month");
        }
        try
        {
            return await RunCoreAsync(Actor.Of(user), month, progress, cancellationToken);
        }
        finally
        {
            _running.Release();
        }
    }

    /// <summary>A run by the console itself (the monthly schedule, a resumed run at start-up); waits for a run in progress.</summary>
    public async Task<BillRunProgress> RunAsSystemAsync(BillMonth month, IProgress<BillRunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        await _running.WaitAsync(cancellationToken);
        try
        {
            return await RunCoreAsync(Actor.Scheduler, month, progress, cancellationToken);
        }
        finally
        {
            _running.Release();
        }
    }

    /// <summary>The latest run of each month, newest first (the bill-run panel's history).</summary>
    public async Task<IReadOnlyList<BillRun>> RecentRunsAsync(int take, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.BillRuns.AsNoTracking().OrderByDescending(r => r.Id).Take(take).ToListAsync(cancellationToken);
    }

    private async Task<BillRunProgress> RunCoreAsync(Actor actor, BillMonth month, IProgress<BillRunProgress>? progress, CancellationToken ct)
    {
        if (options.Value.RecognizeFees)
        {
            // A bill takes the month's recognized fees: should the recognizer not have closed the month's last day yet
            // (its round at 00:05 late, or failing and backing off), it does so now — once, by its watermark.
            await feeRecognizer.RecognizeThroughAsync(month.EndUtc.AddDays(-1), ct);
        }
        var run = await OpenRunAsync(actor, month, ct);
        int total;
        Dictionary<int, List<UsagePart>> usage;
        Dictionary<int, List<FeePart>> fees;
        string? ruleSets;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            total = await db.Customers.CountAsync(ct);
            usage = await UsageToBillAsync(db, month, ct);
            fees = await FeesToBillAsync(db, month, ct);
            ruleSets = await RuleSetsOfMonthAsync(db, month, ct);
        }

        var batchSize = Math.Max(1, options.Value.BillRunBatchSize);
        var (done, issued, lastId) = (0, run.BillsIssued, 0);
        progress?.Report(new(run.Id, month.Period, done, total, issued, false));
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            List<(int Id, string Code)> customers;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                customers = [.. (await db.Customers.AsNoTracking().Where(c => c.Id > lastId).OrderBy(c => c.Id).Take(batchSize)
                    .Select(c => new { c.Id, c.Code }).ToListAsync(ct)).Select(c => (c.Id, c.Code))];
            }
            if (customers.Count == 0)
            {
                break;
            }
            issued += await BillBatchAsync(actor, run.Id, month, customers, new(usage, fees, ruleSets), ct);
            done += customers.Count;
            lastId = customers[^1].Id;
            progress?.Report(new(run.Id, month.Period, done, total, issued, false));
            if (options.Value.BillRunBatchPause > TimeSpan.Zero)
            {
                await Task.Delay(options.Value.BillRunBatchPause, clock, ct);
            }
        }

        var finished = await writer.WriteAsSystemAsync<Done>(actor, async w =>
        {
            var row = await w.Db.BillRuns.FirstAsync(r => r.Id == run.Id, ct);
            row.FinishedAt = w.Now;
            w.Audit(AuditActions.BillRunFinished, nameof(BillRun), month.ToString(), null,
                new BillRunAudit(month.Period, row.Customers, row.BillsIssued, row.StartedByName));
            return Done.Value;
        }, ct);
        if (!finished.Succeeded)
        {
            throw new InvalidOperationException($"The bill run for {month} could not be marked finished: {finished.Refusal!.Code}");
        }
        logger.LogInformation("Bill run for {Period} finished: {Bills} bills over {Customers} customers", month.Period, issued, done);
        var result = new BillRunProgress(run.Id, month.Period, done, total, issued, true);
        progress?.Report(result);
        return result;
    }

    /// <summary>The unfinished run of the month (a killed one, resumed), or a new one.</summary>
    private async Task<BillRun> OpenRunAsync(Actor actor, BillMonth month, CancellationToken ct)
    {
        var opened = await writer.WriteAsSystemAsync<BillRun>(actor, async w =>
        {
            var run = await w.Db.BillRuns.Where(r => r.Period == month.Period && r.FinishedAt == null).OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);
            if (run is null)
            {
                run = new BillRun { Period = month.Period, StartedAt = w.Now, StartedById = w.Actor.Id, StartedByName = w.Actor.Name };
                w.Db.BillRuns.Add(run);
            }
            // Counted again from the start: the resumed run goes through every customer once more, skipping the billed.
            run.Customers = 0;
            run.BillsIssued = await w.Db.Bills.CountAsync(b => b.Period == month.Period, ct);
            return run;
        }, ct);
        return opened.Value ?? throw new InvalidOperationException($"The bill run for {month} could not be opened: {opened.Refusal!.Code}");
    }

    private async Task<int> BillBatchAsync(Actor actor, long runId, BillMonth month, List<(int Id, string Code)> customers, MonthToBill toBill, CancellationToken ct)
    {
        // A conflict means another process issued some of these bills meanwhile: the batch is tried again, skipping them.
        for (var attempt = 1; ; attempt++)
        {
            var result = await writer.WriteAsSystemAsync<int>(actor, w => IssueAsync(w, runId, month, customers, toBill, ct), ct);
            if (result.Succeeded)
            {
                return result.Value;
            }
            if (!result.Conflict || attempt == 3)
            {
                throw new InvalidOperationException($"A batch of the bill run for {month} could not be saved: {result.Refusal!.Code}");
            }
        }
    }

    private async Task<WriteResult<int>> IssueAsync(WriteContext w, long runId, BillMonth month, List<(int Id, string Code)> customers, MonthToBill toBill,
        CancellationToken ct)
    {
        var db = w.Db;
        var (lo, hi) = (customers[0].Id, customers[^1].Id);
        var period = month.Period;
        var (startAt, endAt) = (new DateTimeOffset(month.StartUtc), new DateTimeOffset(month.EndUtc));

        // Asked per customer, so that each lookup is a seek on the unique (customer, month) index: filtered on the month
        // and a customer range, SQLite (which has no statistics here) walks the month's index instead, and that grows with
        // every batch — quadratic over a run (7 s of a 200,000-customer run).
        var billed = (await db.Customers.Where(c => c.Id >= lo && c.Id <= hi && db.Bills.Any(b => b.CustomerId == c.Id && b.Period == period))
            .Select(c => c.Id).ToListAsync(ct)).ToHashSet();
        // The period fee of the version the customer holds (its latest subscription to the package).
        var periodFees = (await (from s in db.Subscriptions
                                 join v in db.PackageVersions on s.PackageVersionId equals v.Id
                                 where s.CustomerId >= lo && s.CustomerId <= hi
                                 select new { s.Id, s.CustomerId, s.PackageId, v.PriceCny }).ToListAsync(ct))
            .GroupBy(s => (s.CustomerId, s.PackageId)).ToDictionary(g => g.Key, g => g.MaxBy(s => s.Id)!.PriceCny);
        // A package upgraded from in the month is no longer the subscription's: its fee line takes the period fee of the
        // last term on it that began before the month ended (without this it showed ¥0.00 per period).
        foreach (var held in (await (from t in db.SubscriptionTerms
                                     join s in db.Subscriptions on t.SubscriptionId equals s.Id
                                     join v in db.PackageVersions on t.PackageVersionId equals v.Id
                                     where s.CustomerId >= lo && s.CustomerId <= hi && t.From < endAt
                                     select new { s.CustomerId, v.PackageId, t.From, v.PriceCny }).ToListAsync(ct))
                     .GroupBy(t => (t.CustomerId, t.PackageId)))
        {
            periodFees.TryAdd(held.Key, held.MaxBy(t => t.From)!.PriceCny);
        }
        var topUps = (await db.AllowanceBuckets
            .Where(b => b.Kind == BucketKind.TopUp && b.CustomerId >= lo && b.CustomerId <= hi && b.PeriodStart >= startAt && b.PeriodStart < endAt)
            .Select(b => new { b.Id, b.CustomerId, b.TopUpPackageId, b.PriceFen }).ToListAsync(ct))
            .OrderBy(b => b.Id).ToLookup(b => b.CustomerId);
        var credits = (await db.CreditNotes
            .Where(c => c.Status == CreditNoteStatus.Approved && c.AppliedOnBillId == null && c.CustomerId >= lo && c.CustomerId <= hi)
            .ToListAsync(ct)).OrderBy(c => c.Id).ToLookup(c => c.CustomerId);

        var bills = new List<(Bill Bill, List<CreditNote> Credits)>();
        foreach (var (id, code) in customers)
        {
            if (billed.Contains(id))
            {
                continue;
            }
            var lines = new List<BillLine>();
            foreach (var fee in toBill.Fees.GetValueOrDefault(id) ?? [])
            {
                lines.Add(Line(BillLineKind.Fee, fee.Micros, fee.Days, periodFees.GetValueOrDefault((id, fee.PackageId)), packageId: fee.PackageId));
            }
            foreach (var topUp in topUps[id])
            {
                var fen = topUp.PriceFen ?? 0;
                lines.Add(Line(BillLineKind.TopUp, fen * FenMicros, 1, fen / 100m, packageId: topUp.TopUpPackageId));
            }
            foreach (var part in toBill.Usage.GetValueOrDefault(id) ?? [])
            {
                var unit = part.Quantity == 0 ? 0 : decimal.Round(part.AmountMicros / part.Quantity, 6, MidpointRounding.AwayFromZero);
                var line = Line(part.UsageMonth == month.Period ? BillLineKind.Usage : BillLineKind.LateUsage, part.AmountMicros, part.Quantity, unit, modelId: part.ModelId);
                line.UsageMonth = part.UsageMonth;
                line.RulesEffectMicros = part.RulesEffectMicros;
                line.RuleEffects = RuleEffectsOf(line, part.Rules);
                // Usage rated before the rules' effects were recorded has none: the line names the versions in force, as it did.
                line.Detail = part.RulesEffectMicros != 0 && part.Rules.Count == 0 ? toBill.RuleSets : null;
                lines.Add(line);
            }
            var applied = credits[id].ToList();
            foreach (var credit in applied)
            {
                var line = Line(BillLineKind.Credit, -credit.AmountFen * FenMicros, 1, -credit.AmountFen / 100m);
                line.CreditNoteId = credit.Id;
                line.Detail = credit.Reason;
                lines.Add(line);
            }
            // Nothing to bill, or only zeros: no bill (a customer who used nothing beyond a free allowance, say).
            if (lines.All(l => l.AmountFen == 0))
            {
                continue;
            }
            for (var n = 0; n < lines.Count; n++)
            {
                lines[n].Number = n + 1;
            }
            var totalFen = lines.Sum(l => l.AmountFen);
            var rate = options.Value.VatRate;
            var (net, tax) = Vat.Split(totalFen, rate);
            bills.Add((new Bill
            {
                BillNo = $"TC-{period}-{code}", CustomerId = id, Period = period, IssuedAt = w.Now,
                NetFen = net, TaxFen = tax, TotalFen = totalFen, VatRate = rate, Lines = lines,
            }, applied));
        }

        // Inserted in the writer's open transaction, outside EF's change tracker (which took most of a large run's time);
        // the store sets the bills' ids, needed to mark the credit notes applied on them.
        await store.InsertAsync(db, [.. bills.Select(b => b.Bill)], ct);
        foreach (var (bill, applied) in bills)
        {
            foreach (var credit in applied)
            {
                credit.AppliedOnBillId = bill.Id;
                credit.Status = CreditNoteStatus.Applied;
            }
        }
        var run = await db.BillRuns.FirstAsync(r => r.Id == runId, ct);
        run.Customers += customers.Count;
        run.BillsIssued += bills.Count;
        if (bills.Count > 0)
        {
            w.Audit(AuditActions.BillsIssued, nameof(BillRun), month.ToString(), null,
                new BillBatchAudit(month.Period, customers[0].Code, customers[^1].Code, bills.Count, bills.Sum(b => b.Bill.TotalFen) / 100m));
        }
        return bills.Count;
    }

    private const long FenMicros = Money.MicrosPerYuan / 100;

    /// <summary>
    /// The line's rules with their µ¥, and in fen their share of the line's rules effect rounded to the fen, apportioned by
    /// largest remainder: the fen shown per rule add up exactly to the fen shown for the line.
    /// </summary>
    private static List<BillLineRuleEffect> RuleEffectsOf(BillLine line, List<RulePart> rules)
    {
        if (rules.Count == 0)
        {
            return [];
        }
        var exact = new decimal[rules.Count];
        var fen = new long[rules.Count];
        for (var i = 0; i < rules.Count; i++)
        {
            exact[i] = rules[i].Micros / (decimal)FenMicros;
        }
        Money.Apportion((long)(Money.ToFen(line.RulesEffectMicros) * 100), exact, fen);
        return [.. rules.Select((r, i) => new BillLineRuleEffect
        {
            RuleSetVersion = r.Version, RuleOrdinal = r.Ordinal, RuleName = r.Name, EffectMicros = r.Micros, EffectFen = fen[i], Tokens = r.Tokens,
        })];
    }

    /// <summary>A line rounded to the fen once, half away from zero, from its exact amount.</summary>
    private static BillLine Line(BillLineKind kind, long micros, decimal quantity, decimal unitPrice, int? packageId = null, int? modelId = null) => new()
    {
        Kind = kind, AmountMicros = micros, AmountFen = (long)(Money.ToFen(micros) * 100), Quantity = quantity, UnitPrice = unitPrice,
        PackageId = packageId, ModelId = modelId,
    };

    /// <summary>
    /// What is left to bill of the usage of this month and the <see cref="LateMonths"/> before it, per customer and model:
    /// each month's usage charges minus what the customer's bills already billed for that model and month. For this
    /// month that is all of it (a Usage line); for an earlier one it is usage that arrived after its bill (a LateUsage line).
    /// </summary>
    private static async Task<Dictionary<int, List<UsagePart>>> UsageToBillAsync(TokenConsoleDbContext db, BillMonth month, CancellationToken ct)
    {
        var parts = new Dictionary<int, List<UsagePart>>();
        var usageMonth = month;
        for (var back = 0; back <= LateMonths; back++, usageMonth = usageMonth.Previous)
        {
            var (start, end, period) = (usageMonth.StartUtc, usageMonth.EndUtc, usageMonth.Period);
            // Late means after its month was closed: an earlier month no bill run finished is not billed as late here
            // (on a fresh install, the first run would otherwise bill two months of history as "late").
            if (back > 0 && !await db.BillRuns.AnyAsync(r => r.Period == period && r.FinishedAt != null, ct))
            {
                continue;
            }
            var used = await db.CustomerDailyUsage.AsNoTracking()
                .Where(u => u.Day >= start && u.Day < end && (u.RevenueMicros != 0 || u.OverageTokens != 0))
                .GroupBy(u => new { u.CustomerId, u.ModelId })
                .Select(g => new { g.Key.CustomerId, g.Key.ModelId, Micros = g.Sum(u => u.RevenueMicros), Base = g.Sum(u => u.BaseRevenueMicros), Tokens = g.Sum(u => u.OverageTokens) })
                .ToListAsync(ct);
            // Only the lines of the bills of the months that can bill this month's usage (its own and the late ones after
            // it), found through the bills' month index (IN, which SQLite turns into seeks), so that the read does not
            // grow with the years of bills kept.
            var lastBilling = Enumerable.Range(0, LateMonths).Aggregate(usageMonth, (m, _) => m.Next).Period;
            var candidates = db.Bills.Where(b => b.Period >= period && b.Period <= lastBilling).Select(b => b.Id);
            var already = (await (from l in db.BillLines
                                  where candidates.Contains(l.BillId)
                                  join b in db.Bills on l.BillId equals b.Id
                                  where l.UsageMonth == period && (l.Kind == BillLineKind.Usage || l.Kind == BillLineKind.LateUsage)
                                  group l by new { b.CustomerId, l.ModelId } into g
                                  select new { g.Key.CustomerId, g.Key.ModelId, Micros = g.Sum(l => l.AmountMicros), Rules = g.Sum(l => l.RulesEffectMicros), Tokens = g.Sum(l => l.Quantity) })
                .ToListAsync(ct)).ToDictionary(a => (a.CustomerId, a.ModelId ?? 0));
            var rules = await RuleEffectsToBillAsync(db, usageMonth, candidates, ct);
            foreach (var u in used)
            {
                var before = already.GetValueOrDefault((u.CustomerId, u.ModelId));
                var micros = u.Micros - (before?.Micros ?? 0);
                if (micros == 0)
                {
                    continue;
                }
                var part = new UsagePart(u.ModelId, period, micros, u.Tokens - (before?.Tokens ?? 0), u.Micros - u.Base - (before?.Rules ?? 0),
                    rules.GetValueOrDefault((u.CustomerId, u.ModelId)) ?? []);
                if (!parts.TryGetValue(u.CustomerId, out var list))
                {
                    parts[u.CustomerId] = list = [];
                }
                list.Add(part);
            }
        }
        foreach (var list in parts.Values)
        {
            list.Sort((a, b) => (b.UsageMonth, a.ModelId).CompareTo((a.UsageMonth, b.ModelId)));
        }
        return parts;
    }

    /// <summary>
    /// What each price rule did to a month's usage per customer and model, less what bills already billed of it (a late
    /// line bills only the rest), with the rule's name from its version's workflow. One read of the month's rows (only
    /// rules that fired have one), summed here as <see cref="FeesToBillAsync"/> does, and one of the billed rule effects.
    /// </summary>
    private static async Task<Dictionary<(int CustomerId, int ModelId), List<RulePart>>> RuleEffectsToBillAsync(TokenConsoleDbContext db, BillMonth usageMonth,
        IQueryable<long> candidateBills, CancellationToken ct)
    {
        var (start, end, period) = (usageMonth.StartUtc, usageMonth.EndUtc, usageMonth.Period);
        var sums = new Dictionary<(int CustomerId, int ModelId, int Version, int Ordinal), (long Micros, decimal Tokens)>();
        await foreach (var r in db.CustomerDailyRuleEffects.AsNoTracking().Where(r => r.Day >= start && r.Day < end)
            .Select(r => new { r.CustomerId, r.ModelId, r.RuleSetVersion, r.RuleOrdinal, r.EffectMicros, r.Tokens }).AsAsyncEnumerable().WithCancellation(ct))
        {
            ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(sums, (r.CustomerId, r.ModelId, r.RuleSetVersion, r.RuleOrdinal), out _);
            sum = (sum.Micros + r.EffectMicros, sum.Tokens + r.Tokens);
        }
        var result = new Dictionary<(int, int), List<RulePart>>();
        if (sums.Count == 0)
        {
            return result;
        }
        var billed = await (from e in db.BillLineRuleEffects
                            join l in db.BillLines on e.BillLineId equals l.Id
                            where candidateBills.Contains(l.BillId) && l.UsageMonth == period && (l.Kind == BillLineKind.Usage || l.Kind == BillLineKind.LateUsage)
                            join b in db.Bills on l.BillId equals b.Id
                            select new { b.CustomerId, l.ModelId, e.RuleSetVersion, e.RuleOrdinal, e.EffectMicros, e.Tokens }).ToListAsync(ct);
        foreach (var e in billed)
        {
            ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(sums, (e.CustomerId, e.ModelId ?? 0, e.RuleSetVersion, e.RuleOrdinal), out _);
            sum = (sum.Micros - e.EffectMicros, sum.Tokens - e.Tokens);
        }
        var versions = sums.Keys.Select(k => k.Version).Distinct().ToList();
        var names = (await db.PriceRuleSetVersions.AsNoTracking().Where(v => versions.Contains(v.Number)).Select(v => new { v.Number, v.WorkflowJson }).ToListAsync(ct))
            .ToDictionary(v => v.Number, v => Pricing.RuleSetEngine.FromWorkflowJson(v.WorkflowJson).Select(r => r.Name).ToList());
        foreach (var ((customer, model, version, ordinal), (micros, tokens)) in sums.OrderBy(s => s.Key.Version).ThenBy(s => s.Key.Ordinal))
        {
            if (micros == 0)
            {
                continue;
            }
            var name = names.GetValueOrDefault(version) is { } list && ordinal < list.Count ? list[ordinal] : $"#{ordinal + 1}";
            if (!result.TryGetValue((customer, model), out var parts))
            {
                result[(customer, model)] = parts = [];
            }
            parts.Add(new RulePart(version, ordinal, name, micros, tokens));
        }
        return result;
    }

    /// <summary>
    /// The price-rule set versions in force at some time in the month ("v3, v4"): named on a line whose usage was rated
    /// before the rules' effects were recorded per rule (<see cref="RuleEffectsToBillAsync"/>), which is all it can say then.
    /// </summary>
    private static async Task<string?> RuleSetsOfMonthAsync(TokenConsoleDbContext db, BillMonth month, CancellationToken ct)
    {
        var (start, end) = (new DateTimeOffset(month.StartUtc), new DateTimeOffset(month.EndUtc));
        var activations = await db.PriceRuleSetVersions.AsNoTracking().Where(v => v.ActivatedAt != null && v.ActivatedAt < end)
            .OrderBy(v => v.ActivatedAt).Select(v => new { v.Number, v.ActivatedAt }).ToListAsync(ct);
        var inForce = activations.Where((v, i) => i == activations.Count - 1 || activations[i + 1].ActivatedAt > start).Select(v => v.Number).ToList();
        return inForce.Count == 0 ? null : string.Join(", ", inForce.Select(n => "v" + n.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// The month's recognized fees per customer and package (Σ micro-yuan, days charged), ordered by package. One read of
    /// the month's rows in key order, summed here: per batch, through the customer index, each row cost a key lookup
    /// (about 100 ms a batch at 200,000 customers), and a GROUP BY in SQL would sort millions of rows.
    /// </summary>
    private static async Task<Dictionary<int, List<FeePart>>> FeesToBillAsync(TokenConsoleDbContext db, BillMonth month, CancellationToken ct)
    {
        var (start, end) = (month.StartUtc, month.EndUtc);
        var sums = new Dictionary<(int CustomerId, int PackageId), (long Micros, int Days)>();
        await foreach (var r in db.RevenueDaily.AsNoTracking()
            .Where(r => r.Day >= start && r.Day < end && r.PackageId != 0 && r.FeeMicros != 0)
            .Select(r => new { r.CustomerId, r.PackageId, r.FeeMicros }).AsAsyncEnumerable().WithCancellation(ct))
        {
            ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(sums, (r.CustomerId, r.PackageId), out _);
            sum = (sum.Micros + r.FeeMicros, sum.Days + 1);
        }
        var fees = new Dictionary<int, List<FeePart>>();
        foreach (var ((customerId, packageId), (micros, days)) in sums)
        {
            if (!fees.TryGetValue(customerId, out var list))
            {
                fees[customerId] = list = [];
            }
            list.Add(new FeePart(packageId, micros, days));
        }
        foreach (var list in fees.Values)
        {
            list.Sort((a, b) => a.PackageId.CompareTo(b.PackageId));
        }
        return fees;
    }

    /// <summary>What a run reads once and every batch bills from.</summary>
    private sealed record MonthToBill(Dictionary<int, List<UsagePart>> Usage, Dictionary<int, List<FeePart>> Fees, string? RuleSets);

    private sealed record FeePart(int PackageId, long Micros, int Days);

    private sealed record UsagePart(int ModelId, int UsageMonth, long AmountMicros, decimal Quantity, long RulesEffectMicros, List<RulePart> Rules);

    private sealed record RulePart(int Version, int Ordinal, string Name, long Micros, decimal Tokens);
}

/// <summary>The audit log's record of a finished bill run.</summary>
public sealed record BillRunAudit(int Period, int Customers, int BillsIssued, string StartedBy);

/// <summary>The audit log's record of one batch of bills issued: the customer codes it went from and to.</summary>
public sealed record BillBatchAudit(int Period, string FromCustomer, string ToCustomer, int Bills, decimal TotalCny);
