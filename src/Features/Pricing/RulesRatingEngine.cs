using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Features.Pricing;

/// <summary>
/// Prices usage: the package's base price (<c>PackagePriceRatingEngine.RateBase</c>), then the active ruleset.
/// Lock-free: it reads the current price book and the current compiled ruleset, each swapped atomically.
/// </summary>
public sealed class RulesRatingEngine(PriceBookProvider priceBook, RuleSetProvider ruleSets) : IRatingEngine
{
    public Rating Rate(in UsageContext context)
    {
        var engine = ruleSets.Current;
        var rating = PackagePriceRatingEngine.RateBase(priceBook.Current, context, out var baseMicros, out var billable);
        if (baseMicros <= 0 && billable <= 0)
        {
            return rating with { RuleSetVersion = engine.Version };
        }
        // Rules work on the exact base price of the overage (billable = the overage tokens); the result is rounded once to the µ¥.
        return rating with { RevenueMicros = Money.RoundMicros(engine.Apply(context, baseMicros, billable)), RuleSetVersion = engine.Version };
    }

    /// <summary>
    /// The same rating with each fired rule's effect in <paramref name="effects"/>: exact, and in whole µ¥ apportioned by
    /// largest remainder so that they add up to the rounded revenue − the rounded base revenue of the event.
    /// </summary>
    public Rating Rate(in UsageContext context, Span<RuleEffect> effects)
    {
        var engine = ruleSets.Current;
        var rating = PackagePriceRatingEngine.RateBase(priceBook.Current, context, out var baseMicros, out var billable);
        if (baseMicros <= 0 && billable <= 0)
        {
            return rating with { RuleSetVersion = engine.Version };
        }
        var revenue = Money.RoundMicros(engine.Apply(context, baseMicros, billable, effects, out var fired));
        if (fired > 0 && fired <= effects.Length)
        {
            Apportion(effects[..fired], revenue - rating.BaseRevenueMicros);
        }
        return rating with { RevenueMicros = revenue, RuleSetVersion = engine.Version, FiredRules = fired };
    }

    private static void Apportion(Span<RuleEffect> effects, long total)
    {
        if (effects.Length == 1)
        {
            effects[0].Micros = total;
            return;
        }
        // A version rarely has more than a few rules firing on one event; a long stack goes to the heap, exactly the same.
        Span<decimal> exact = effects.Length <= 16 ? stackalloc decimal[effects.Length] : new decimal[effects.Length];
        Span<long> micros = effects.Length <= 16 ? stackalloc long[effects.Length] : new long[effects.Length];
        for (var i = 0; i < effects.Length; i++)
        {
            exact[i] = effects[i].Exact;
        }
        Money.Apportion(total, exact, micros);
        for (var i = 0; i < effects.Length; i++)
        {
            effects[i].Micros = micros[i];
        }
    }

    /// <summary>The same price as <see cref="Rate(in UsageContext)"/>, with every rule that fired and why.</summary>
    public RatingExplanation Explain(in UsageContext context, RuleSetEngine? engine = null)
    {
        engine ??= ruleSets.Current;
        var rating = PackagePriceRatingEngine.RateBase(priceBook.Current, context, out var baseMicros, out var billable);
        var fired = new List<FiredRule>();
        var errors = new List<string>();
        var revenue = engine.Explain(context, baseMicros, billable, fired, errors);
        return new RatingExplanation(rating with { RevenueMicros = Money.RoundMicros(revenue), RuleSetVersion = engine.Version }, fired, errors);
    }
}

/// <summary>Holds the compiled engine of the active ruleset version; <see cref="ReloadAsync"/> compiles the new one before swapping it in.</summary>
public sealed class RuleSetProvider(IDbContextFactory<TokenConsoleDbContext> dbFactory, ILogger<RuleSetProvider> logger) : IReferenceDataSubscriber, IDisposable
{
    // One reload at a time: a reload that started before a change must not finish after, and overwrite, the one started after it.
    private readonly SemaphoreSlim _reload = new(1, 1);
    private RuleSetEngine _current = RuleSetEngine.Empty;

    public RuleSetEngine Current => Volatile.Read(ref _current);

    /// <summary>
    /// Serialises the steps that change which ruleset version is active (activation, rollback): the scheduler and an
    /// approval can both find the same change due, and each would otherwise create its own version from it.
    /// </summary>
    public SemaphoreSlim ActivationGate { get; } = new(1, 1);

    /// <summary>Swaps in an engine compiled elsewhere (tests, benchmarks).</summary>
    public void Replace(RuleSetEngine engine) => Volatile.Write(ref _current, engine);

    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reload.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var active = await db.PriceRuleSetVersions.AsNoTracking().Where(v => v.Status == RuleSetStatus.Active)
                .OrderByDescending(v => v.Number).FirstOrDefaultAsync(cancellationToken);
            var engine = active is null ? RuleSetEngine.Empty : await BuildAsync(db, active.Number, RuleSetEngine.FromWorkflowJson(active.WorkflowJson), cancellationToken);
            Volatile.Write(ref _current, engine);
            logger.LogInformation("Price ruleset version {Version} active with {Rules} rules", engine.Version, engine.CompiledCount);
        }
        finally
        {
            _reload.Release();
        }
    }

    /// <summary>
    /// A ruleset activated or rolled back; a subscription change too, since rules for new subscriptions only list the
    /// existing ones. The periodic "everything" compiles again only when another version became active: compiling the
    /// rules every 30 s for nothing would cost more than all the other reloads together.
    /// </summary>
    public async Task OnChangedAsync(ReferenceDataChange change, CancellationToken cancellationToken)
    {
        if (change.Kind == ReferenceDataKind.Everything)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var active = await db.PriceRuleSetVersions.AsNoTracking().Where(v => v.Status == RuleSetStatus.Active)
                .OrderByDescending(v => v.Number).Select(v => (int?)v.Number).FirstOrDefaultAsync(cancellationToken) ?? 0;
            if (active == Current.Version)
            {
                return;
            }
        }
        else if (!change.Concerns(ReferenceDataKind.PriceRules, ReferenceDataKind.Subscription))
        {
            return;
        }
        await ReloadAsync(cancellationToken);
    }

    public void Dispose() => _reload.Dispose();

    /// <summary>Compiles a ruleset (the active one, or a proposal for simulation) with the subscriptions that keep their price.</summary>
    public async Task<RuleSetEngine> BuildAsync(TokenConsoleDbContext db, int number, IReadOnlyList<PriceRule> rules, CancellationToken cancellationToken)
    {
        var existing = new Dictionary<int, FrozenSet<long>>();
        foreach (var rule in rules.Where(r => r.Audience == PriceChangeAudience.NewSubscriptionsOnly && r.PriceChangeId is not null && r.ValidFrom is not null))
        {
            if (existing.ContainsKey(rule.PriceChangeId!.Value))
            {
                continue;
            }

            var from = rule.ValidFrom!.Value;
            var keys = await db.Subscriptions.AsNoTracking().Where(s => s.StartsAt < from).Select(s => new { s.CustomerId, s.PackageId }).ToListAsync(cancellationToken);
            existing[rule.PriceChangeId.Value] = keys.Select(k => RuleSetEngine.Key(k.CustomerId, k.PackageId)).ToFrozenSet();
        }
        return new RuleSetEngine(number, rules, existing.ToFrozenDictionary(), (name, e) => logger.LogWarning(e, "Price rule {Rule} failed while rating; it is skipped", name));
    }
}
