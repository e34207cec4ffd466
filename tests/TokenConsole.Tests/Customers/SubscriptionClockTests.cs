using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Customers;
using TokenConsole.Features.Usage.Ingestion;
using TokenConsole.Tests.Infrastructure;
using static TokenConsole.Tests.Customers.SubscriptionTestBed;

namespace TokenConsole.Tests.Customers;

/// <summary>The clock that makes scheduled ends and downgrades happen, once, as the scheduler; and ingestion's view of a suspension.</summary>
public sealed class SubscriptionClockTests : IDisposable
{
    private readonly SubscriptionTestBed _bed = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset PeriodEnd = new(2026, 12, 19, 16, 0, 0, TimeSpan.Zero);

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task A_cancelled_subscription_is_ended_when_its_end_has_passed_exactly_once_by_the_scheduler()
    {
        var s = await _bed.SubscribedAsync();
        await _bed.Service.CancelAsync(Am, s.Id, s.Version, Ct).OkAsync();

        _bed.Clock.SetUtcNow(PeriodEnd.AddTicks(-1));
        Assert.Equal(0, await _bed.SubscriptionClock.RunOnceAsync(Ct));
        Assert.Equal(SubscriptionStatus.Active, (await _bed.SubscriptionAsync(s.Id)).Status);

        _bed.Clock.SetUtcNow(PeriodEnd.AddHours(2));
        var published = _bed.Signal.NextAsync(ReferenceDataKind.Subscription, TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(1, await _bed.SubscriptionClock.RunOnceAsync(Ct));
        await published;
        Assert.Equal(0, await _bed.SubscriptionClock.RunOnceAsync(Ct));

        Assert.Equal(SubscriptionStatus.Cancelled, (await _bed.SubscriptionAsync(s.Id)).Status);
        var audit = Assert.Single(await _bed.AuditAsync(AuditActions.SubscriptionCancelled));
        Assert.Equal((Actor.Scheduler.Id, PeriodEnd.AddHours(2)), (audit.ActorId, audit.At));
    }

    [Fact]
    public async Task A_one_off_subscription_expires_after_its_only_period()
    {
        var s = await _bed.SubscribedAsync("ENT-TRIAL");
        // Seven Beijing days from the day it started: 27 November, midnight Beijing time.
        var end = new DateTimeOffset(Today.AddDays(7), TimeSpan.Zero);

        _bed.Clock.SetUtcNow(end.AddMinutes(-1));
        Assert.Equal(0, await _bed.SubscriptionClock.RunOnceAsync(Ct));
        _bed.Clock.SetUtcNow(end);
        Assert.Equal(1, await _bed.SubscriptionClock.RunOnceAsync(Ct));
        Assert.Equal(0, await _bed.SubscriptionClock.RunOnceAsync(Ct));

        Assert.Equal(SubscriptionStatus.Expired, (await _bed.SubscriptionAsync(s.Id)).Status);
        Assert.Single(await _bed.AuditAsync(AuditActions.SubscriptionExpired));
        Assert.Empty(await _bed.AuditAsync(AuditActions.SubscriptionCancelled));
    }

    [Fact]
    public async Task A_pending_downgrade_moves_the_subscription_onto_its_package_when_the_period_ends()
    {
        var s = await _bed.SubscribedAsync("ENT-M");
        await _bed.Service.ChangePackageAsync(Am, s.Id, s.Version, _bed.Packages["ENT-S"], PackageChange.Downgrade, Ct).OkAsync();

        _bed.Clock.SetUtcNow(PeriodEnd.AddDays(-1));
        Assert.Equal(0, await _bed.SubscriptionClock.RunOnceAsync(Ct));
        Assert.Equal(_bed.Packages["ENT-M"], (await _bed.SubscriptionAsync(s.Id)).PackageId);

        _bed.Clock.SetUtcNow(PeriodEnd.AddMinutes(5));
        Assert.Equal(1, await _bed.SubscriptionClock.RunOnceAsync(Ct));
        Assert.Equal(0, await _bed.SubscriptionClock.RunOnceAsync(Ct));

        var after = await _bed.SubscriptionAsync(s.Id);
        Assert.Equal(_bed.Packages["ENT-S"], after.PackageId);
        Assert.Equal(after.Terms[1].PackageVersionId, after.PackageVersionId);
        Assert.Equal(SubscriptionStatus.Active, after.Status);
        Assert.Single(await _bed.AuditAsync(AuditActions.SubscriptionDowngraded));
        // The downgrade is no longer pending, and a change now starts from the new package.
        Assert.Null((await _bed.ViewAsync(s.Id, Ct))!.Pending);
        await _bed.Service.ChangePackageAsync(Am, s.Id, after.Version, _bed.Packages["ENT-M"], PackageChange.Upgrade, Ct).OkAsync();
    }

    [Fact]
    public async Task The_clock_runs_at_start_as_a_background_service()
    {
        var s = await _bed.SubscribedAsync();
        await _bed.Service.CancelAsync(Am, s.Id, s.Version, Ct).OkAsync();
        _bed.Clock.SetUtcNow(PeriodEnd);

        var published = _bed.Signal.NextAsync(ReferenceDataKind.Subscription, TimeSpan.FromSeconds(20), Ct);
        await _bed.SubscriptionClock.StartAsync(Ct);
        await published;
        await _bed.SubscriptionClock.StopAsync(Ct);

        Assert.Equal(SubscriptionStatus.Cancelled, (await _bed.SubscriptionAsync(s.Id)).Status);
    }

    [Fact]
    public async Task Usage_of_a_suspended_subscription_is_refused_with_its_own_reason_and_accepted_again_after_resuming()
    {
        var s = await _bed.SubscribedAsync();
        await _bed.Service.SuspendAsync(Ops, s.Id, s.Version, "abuse", Ct).OkAsync();
        var options = new IngestionOptions();
        UsageEventRequest Event(string customer) => new()
        {
            Id = "e-1", Timestamp = Now.ToString("O"), Customer = customer, Package = "ENT-S", Model = "m-one", Region = "CN-GD", Industry = "finance",
            InputTokens = 10, OutputTokens = 5, Pool = "pool-a",
        };

        var suspended = await ValidateAsync(Event("ACME"), options);
        var error = Assert.Single(suspended.Errors);
        Assert.Equal(("package", UsageValidator.SuspendedReason, "The customer's subscription to this package is suspended."), (error.Field, error.Reason, error.Message));
        // A customer that does not hold the package at all keeps the other message, without the reason.
        var notHeld = Assert.Single((await ValidateAsync(Event("BETA"), options)).Errors);
        Assert.Equal("package", notHeld.Field);
        Assert.Null(notHeld.Reason);
        Assert.Contains("has no active subscription", notHeld.Message, StringComparison.Ordinal);

        var current = await _bed.SubscriptionAsync(s.Id);
        await _bed.Service.ResumeAsync(Am, s.Id, current.Version, Ct).OkAsync();
        var resumed = await ValidateAsync(Event("ACME"), options);
        Assert.Empty(resumed.Errors);
        Assert.NotNull(resumed.Valid);
    }

    private async Task<(ValidUsageEvent? Valid, List<IngestionError> Errors)> ValidateAsync(UsageEventRequest e, IngestionOptions options)
    {
        var reference = await _bed.ReadAsync(db => UsageReference.LoadAsync(db, Ct));
        var errors = new List<IngestionError>();
        var valid = UsageValidator.Validate(e, 0, reference, Now, options, errors);
        return (valid, errors);
    }
}
