using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Customers;
using TokenConsole.Tests.Infrastructure;
using static TokenConsole.Tests.Customers.SubscriptionTestBed;

namespace TokenConsole.Tests.Customers;

/// <summary>The subscription operations: the terms they write, each refusal with its field, the audit entries, and conflicts.</summary>
public sealed class SubscriptionServiceTests : IDisposable
{
    private readonly SubscriptionTestBed _bed = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private SubscriptionService Service => _bed.Service;

    /// <summary>The end of the period that started today (the anniversary is the 20th): 20 December, midnight Beijing time.</summary>
    private static readonly DateTimeOffset PeriodEnd = new(2026, 12, 19, 16, 0, 0, TimeSpan.Zero);

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task Subscribing_writes_the_subscription_and_one_term_from_the_start_whose_periods_count_from_that_Beijing_day()
    {
        var s = await _bed.SubscribedAsync();

        Assert.Equal(SubscriptionStatus.Active, s.Status);
        Assert.Equal(Now, s.StartsAt);
        Assert.Equal(_bed.Packages["ENT-S"], s.PackageId);
        var term = Assert.Single(s.Terms);
        Assert.Equal(s.PackageVersionId, term.PackageVersionId);
        Assert.Equal(Now, term.From);
        Assert.Null(term.To);
        Assert.Equal(Today, term.Anchor);
        var audit = Assert.Single(await _bed.AuditAsync(AuditActions.SubscriptionCreated));
        Assert.Equal(s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), audit.EntityId);
        Assert.Equal("liu", audit.ActorName);
        Assert.Contains("\"Package\":\"ENT-S\"", audit.AfterJson, StringComparison.Ordinal);
        Assert.Contains(ReferenceDataKind.Subscription, _bed.Signal.Published);

        var view = await _bed.ViewAsync(s.Id, Ct);
        Assert.Equal(new BillingPeriodSpan(Today, PeriodEnd.UtcDateTime), view!.Period);
    }

    [Fact]
    public async Task A_future_start_is_kept_and_a_start_more_than_a_minute_in_the_past_is_refused_next_to_the_start()
    {
        var later = Now.AddDays(3).AddHours(5);
        var id = await Service.SubscribeAsync(Am, _bed.Customers["ACME"], _bed.Packages["ENT-S"], later, Ct).OkAsync();
        var term = Assert.Single((await _bed.SubscriptionAsync(id)).Terms);
        Assert.Equal(later, term.From);
        Assert.Equal(new DateTime(2026, 11, 22, 16, 0, 0, DateTimeKind.Utc), term.Anchor);

        var refused = await Service.SubscribeAsync(Am, _bed.Customers["BETA"], _bed.Packages["ENT-S"], Now.AddMinutes(-2), Ct).RefusedAsync();
        Assert.Equal(("The start cannot be in the past.", "startsAt"), (refused.Code, refused.Field));
        await Service.SubscribeAsync(Am, _bed.Customers["BETA"], _bed.Packages["ENT-S"], Now.AddSeconds(-30), Ct).OkAsync();
    }

    [Theory]
    [InlineData("ENT-DRAFT", "ACME", "Choose a base package that is on sale.", "package")]
    [InlineData("TOP-10M", "ACME", "Choose a base package that is on sale.", "package")]
    [InlineData("GOV-X", "ACME", "This package is not sold to the customer's segment.", "package")]
    [InlineData("ENT-S", "ACME", "The customer already holds a subscription to this package.", "package")]
    [InlineData("ENT-M", "CLOSED", "This customer is closed: it cannot take new subscriptions.", "customer")]
    public async Task Subscribing_is_refused_next_to_the_field_and_saves_nothing(string package, string customer, string code, string field)
    {
        await _bed.SubscribedAsync("ENT-S");

        var refused = await Service.SubscribeAsync(Am, _bed.Customers[customer], _bed.Packages[package], null, Ct).RefusedAsync();

        Assert.Equal((code, field), (refused.Code, refused.Field));
        Assert.Equal(1, await _bed.ReadAsync(db => db.Subscriptions.CountAsync(Ct)));
        Assert.Single(await _bed.AuditAsync(AuditActions.SubscriptionCreated));
    }

    [Fact]
    public async Task A_cancelled_subscription_no_longer_holds_its_package_and_only_account_managers_subscribe()
    {
        var s = await _bed.SubscribedAsync();
        await Service.CancelAsync(Am, s.Id, s.Version, Ct).OkAsync();
        // Cancelled at the period end, not yet ended: the package is still held.
        await Service.SubscribeAsync(Am, _bed.Customers["ACME"], _bed.Packages["ENT-S"], null, Ct).RefusedAsync();
        _bed.Clock.SetUtcNow(PeriodEnd);
        Assert.Equal(1, await _bed.SubscriptionClock.RunOnceAsync(Ct));
        await Service.SubscribeAsync(Am, _bed.Customers["ACME"], _bed.Packages["ENT-S"], null, Ct).OkAsync();

        Assert.Equal(Refusal.ForbiddenCode, (await Service.SubscribeAsync(Pm, _bed.Customers["BETA"], _bed.Packages["ENT-S"], null, Ct).RefusedAsync()).Code);
        Assert.Equal(Refusal.ForbiddenCode, (await Service.SubscribeAsync(Ops, _bed.Customers["BETA"], _bed.Packages["ENT-S"], null, Ct).RefusedAsync()).Code);
    }

    [Fact]
    public async Task An_upgrade_ends_the_term_now_and_starts_a_new_period_today_so_the_upgrade_day_is_charged_on_the_new_package()
    {
        var s = await _bed.SubscribedAsync();
        var upgradeAt = Now.AddDays(10).AddHours(3);
        _bed.Clock.SetUtcNow(upgradeAt);

        await Service.ChangePackageAsync(Am, s.Id, s.Version, _bed.Packages["ENT-M"], PackageChange.Upgrade, Ct).OkAsync();

        var after = await _bed.SubscriptionAsync(s.Id);
        Assert.Equal(_bed.Packages["ENT-M"], after.PackageId);
        Assert.Equal(2, after.Terms.Count);
        var (old, @new) = (after.Terms[0], after.Terms[1]);
        Assert.Equal(s.PackageVersionId, old.PackageVersionId);
        Assert.Equal(upgradeAt, old.To);
        Assert.Equal(after.PackageVersionId, @new.PackageVersionId);
        Assert.Equal(upgradeAt, @new.From);
        Assert.Null(@new.To);
        var upgradeDay = BusinessCalendar.DayStartUtc(upgradeAt.UtcDateTime);
        Assert.Equal(upgradeDay, @new.Anchor);
        // Fees: the upgrade day is charged on the new term, the day before on the old one; the old one's remaining days never are.
        Assert.Same(@new, SubscriptionTerms.ChargedOn(after.Terms, upgradeDay));
        Assert.Same(old, SubscriptionTerms.ChargedOn(after.Terms, upgradeDay.AddDays(-1)));
        Assert.Same(@new, SubscriptionTerms.ChargedOn(after.Terms, upgradeDay.AddDays(25)));
        var audit = Assert.Single(await _bed.AuditAsync(AuditActions.SubscriptionUpgraded));
        Assert.Contains("\"Package\":\"ENT-S\"", audit.BeforeJson, StringComparison.Ordinal);
        Assert.Contains("\"Package\":\"ENT-M\"", audit.AfterJson, StringComparison.Ordinal);
        Assert.True(after.Version > s.Version);
    }

    [Fact]
    public async Task Changing_the_package_of_a_subscription_that_has_not_started_changes_its_first_term_in_place()
    {
        var start = Now.AddDays(5);
        var id = await Service.SubscribeAsync(Am, _bed.Customers["ACME"], _bed.Packages["ENT-S"], start, Ct).OkAsync();
        var s = await _bed.SubscriptionAsync(id);

        await Service.ChangePackageAsync(Am, id, s.Version, _bed.Packages["ENT-M"], PackageChange.Upgrade, Ct).OkAsync();

        var after = await _bed.SubscriptionAsync(id);
        var term = Assert.Single(after.Terms);
        Assert.Equal((start, (DateTimeOffset?)null, after.PackageVersionId), (term.From, term.To, term.PackageVersionId));
        Assert.Equal(_bed.Packages["ENT-M"], after.PackageId);
    }

    [Fact]
    public async Task An_upgrade_to_a_package_cheaper_per_day_is_refused_and_a_downgrade_to_a_dearer_one_too()
    {
        var s = await _bed.SubscribedAsync("ENT-M");

        var upgrade = await Service.ChangePackageAsync(Am, s.Id, s.Version, _bed.Packages["ENT-S"], PackageChange.Upgrade, Ct).RefusedAsync();
        Assert.Equal(("The new package costs less per day than the current one: choose a downgrade.", "package"), (upgrade.Code, upgrade.Field));
        // ENT-Y costs ¥96,000 a year: ¥263 a day, more than ENT-M's ¥197.
        var downgrade = await Service.ChangePackageAsync(Am, s.Id, s.Version, _bed.Packages["ENT-Y"], PackageChange.Downgrade, Ct).RefusedAsync();
        Assert.Equal(("The new package costs more per day than the current one: choose an upgrade.", "package"), (downgrade.Code, downgrade.Field));
        var same = await Service.ChangePackageAsync(Am, s.Id, s.Version, _bed.Packages["ENT-M"], PackageChange.Upgrade, Ct).RefusedAsync();
        Assert.Equal("package", same.Field);
        var draft = await Service.ChangePackageAsync(Am, s.Id, s.Version, _bed.Packages["ENT-DRAFT"], PackageChange.Upgrade, Ct).RefusedAsync();
        Assert.Equal(("Choose a base package that is on sale.", "package"), (draft.Code, draft.Field));
        Assert.Single((await _bed.SubscriptionAsync(s.Id)).Terms);

        await Service.ChangePackageAsync(Am, s.Id, s.Version, _bed.Packages["ENT-Y"], PackageChange.Upgrade, Ct).OkAsync();
    }

    [Fact]
    public async Task Upgrading_onto_a_package_the_customer_holds_on_another_subscription_is_refused()
    {
        var s = await _bed.SubscribedAsync("ENT-S");
        await _bed.SubscribedAsync("ENT-M");

        var refused = await Service.ChangePackageAsync(Am, s.Id, s.Version, _bed.Packages["ENT-M"], PackageChange.Upgrade, Ct).RefusedAsync();
        Assert.Equal(("The customer already holds a subscription to this package.", "package"), (refused.Code, refused.Field));
    }

    [Fact]
    public async Task A_downgrade_waits_for_the_period_end_keeps_the_anniversary_is_replaced_by_a_later_one_and_can_be_undone()
    {
        var s = await _bed.SubscribedAsync("ENT-Y");
        await Service.ChangePackageAsync(Am, s.Id, s.Version, _bed.Packages["ENT-M"], PackageChange.Upgrade, Ct).RefusedAsync();
        var m = await _bed.SubscribedAsync("ENT-M", "BETA");
        _bed.Clock.Advance(TimeSpan.FromDays(3));

        await Service.ChangePackageAsync(Am, m.Id, m.Version, _bed.Packages["ENT-S"], PackageChange.Downgrade, Ct).OkAsync();

        var pending = await _bed.SubscriptionAsync(m.Id);
        Assert.Equal(_bed.Packages["ENT-M"], pending.PackageId);
        Assert.Equal(2, pending.Terms.Count);
        Assert.Equal(PeriodEnd, pending.Terms[0].To);
        Assert.Equal(PeriodEnd, pending.Terms[1].From);
        Assert.Equal(Today, pending.Terms[1].Anchor);
        var view = await _bed.ViewAsync(m.Id, Ct);
        Assert.Equal(("ENT-S", PeriodEnd), (view!.Pending!.PackageCode, view.Pending.From));
        Assert.Single(await _bed.AuditAsync(AuditActions.SubscriptionDowngradeScheduled));

        // One pending change at a time: a second downgrade replaces the first.
        await Service.ChangePackageAsync(Am, m.Id, pending.Version, _bed.Packages["ENT-TRIAL"], PackageChange.Downgrade, Ct).OkAsync();
        var replaced = await _bed.SubscriptionAsync(m.Id);
        Assert.Equal(2, replaced.Terms.Count);
        Assert.Equal("ENT-TRIAL", (await _bed.ViewAsync(m.Id, Ct))!.Pending!.PackageCode);
        // A one-off package counts its one period from the day it starts.
        Assert.Equal(PeriodEnd.UtcDateTime, replaced.Terms[1].Anchor);

        await Service.UndoDowngradeAsync(Am, m.Id, replaced.Version, Ct).OkAsync();
        var undone = await _bed.SubscriptionAsync(m.Id);
        var term = Assert.Single(undone.Terms);
        Assert.Null(term.To);
        Assert.Null((await _bed.ViewAsync(m.Id, Ct))!.Pending);
        Assert.Single(await _bed.AuditAsync(AuditActions.SubscriptionDowngradeUndone));
        var none = await Service.UndoDowngradeAsync(Am, m.Id, undone.Version, Ct).RefusedAsync();
        Assert.Equal("There is no pending downgrade to undo.", none.Code);
    }

    [Fact]
    public async Task Suspending_needs_a_reason_is_allowed_to_operations_and_blocks_changes_and_top_ups_until_resumed()
    {
        var s = await _bed.SubscribedAsync();

        var noReason = await Service.SuspendAsync(Ops, s.Id, s.Version, "  ", Ct).RefusedAsync();
        Assert.Equal(("Give a reason for the suspension.", "reason"), (noReason.Code, noReason.Field));
        Assert.Equal(Refusal.ForbiddenCode, (await Service.SuspendAsync(Pm, s.Id, s.Version, "abuse", Ct).RefusedAsync()).Code);

        await Service.SuspendAsync(Ops, s.Id, s.Version, "Leakage above the limit", Ct).OkAsync();
        var suspended = await _bed.SubscriptionAsync(s.Id);
        Assert.Equal((SubscriptionStatus.Suspended, Now), (suspended.Status, suspended.SuspendedAt));
        var audit = Assert.Single(await _bed.AuditAsync(AuditActions.SubscriptionSuspended));
        Assert.Equal("Leakage above the limit", JsonDocument.Parse(audit.AfterJson!).RootElement.GetProperty("Reason").GetString());
        Assert.Equal("zhang", audit.ActorName);

        Assert.Equal("Only an active subscription can be suspended.", (await Service.SuspendAsync(Ops, s.Id, suspended.Version, "again", Ct).RefusedAsync()).Code);
        await Service.ChangePackageAsync(Am, s.Id, suspended.Version, _bed.Packages["ENT-M"], PackageChange.Upgrade, Ct).RefusedAsync();
        var topUp = await Service.BuyTopUpAsync(Am, s.Id, suspended.Version, _bed.Packages["TOP-10M"], Ct).RefusedAsync();
        Assert.StartsWith("A top-up needs an active base subscription", topUp.Code, StringComparison.Ordinal);

        await Service.ResumeAsync(Am, s.Id, suspended.Version, Ct).OkAsync();
        var resumed = await _bed.SubscriptionAsync(s.Id);
        Assert.Equal(SubscriptionStatus.Active, resumed.Status);
        Assert.Null(resumed.SuspendedAt);
        Assert.Single(await _bed.AuditAsync(AuditActions.SubscriptionResumed));
        Assert.Equal("Only a suspended subscription can be resumed.", (await Service.ResumeAsync(Am, s.Id, resumed.Version, Ct).RefusedAsync()).Code);
    }

    [Fact]
    public async Task Cancelling_ends_the_last_term_at_the_period_end_drops_a_pending_downgrade_and_can_be_undone_before_then()
    {
        var s = await _bed.SubscribedAsync("ENT-M");
        await Service.ChangePackageAsync(Am, s.Id, s.Version, _bed.Packages["ENT-S"], PackageChange.Downgrade, Ct).OkAsync();
        var withDowngrade = await _bed.SubscriptionAsync(s.Id);

        await Service.CancelAsync(Am, s.Id, withDowngrade.Version, Ct).OkAsync();

        var cancelled = await _bed.SubscriptionAsync(s.Id);
        Assert.Equal(PeriodEnd, cancelled.EndsAt);
        Assert.Equal(SubscriptionStatus.Active, cancelled.Status);
        Assert.Equal(PeriodEnd, Assert.Single(cancelled.Terms).To);
        Assert.Single(await _bed.AuditAsync(AuditActions.SubscriptionCancelScheduled));
        Assert.Equal("This subscription is already cancelled at the end of its period.", (await Service.CancelAsync(Am, s.Id, cancelled.Version, Ct).RefusedAsync()).Code);
        var change = await Service.ChangePackageAsync(Am, s.Id, cancelled.Version, _bed.Packages["ENT-Y"], PackageChange.Upgrade, Ct).RefusedAsync();
        Assert.Equal("This subscription is cancelled at the end of its period. Undo the cancellation first.", change.Code);

        await Service.UndoCancelAsync(Am, s.Id, cancelled.Version, Ct).OkAsync();
        var undone = await _bed.SubscriptionAsync(s.Id);
        Assert.Null(undone.EndsAt);
        Assert.Null(Assert.Single(undone.Terms).To);
        Assert.Single(await _bed.AuditAsync(AuditActions.SubscriptionCancelUndone));
        Assert.Equal("There is no cancellation to undo.", (await Service.UndoCancelAsync(Am, s.Id, undone.Version, Ct).RefusedAsync()).Code);

        // Once the end has come, the cancellation cannot be taken back.
        await Service.CancelAsync(Am, s.Id, undone.Version, Ct).OkAsync();
        _bed.Clock.SetUtcNow(PeriodEnd);
        var ended = await _bed.SubscriptionAsync(s.Id);
        await Service.UndoCancelAsync(Am, s.Id, ended.Version, Ct).RefusedAsync();
    }

    [Fact]
    public async Task A_top_up_is_a_bucket_of_its_tokens_valid_for_its_days_at_its_price_sold_by_the_account_manager()
    {
        var s = await _bed.SubscribedAsync();
        _bed.Clock.Advance(TimeSpan.FromHours(5));

        var bucketId = await Service.BuyTopUpAsync(Am, s.Id, s.Version, _bed.Packages["TOP-10M"], Ct).OkAsync();

        var bucket = await _bed.ReadAsync(db => db.AllowanceBuckets.AsNoTracking().SingleAsync(b => b.Id == bucketId, Ct));
        var at = Now.AddHours(5);
        Assert.Equal(BucketKind.TopUp, bucket.Kind);
        Assert.Equal((s.Id, s.CustomerId), (bucket.SubscriptionId, bucket.CustomerId));
        Assert.Equal((at, at, at.AddDays(30)), (bucket.PeriodStart, bucket.ValidFrom, bucket.ValidTo));
        Assert.Equal((10_000_000m, 0m), (bucket.Included, bucket.Used));
        Assert.Equal(50_000L, bucket.PriceFen);
        Assert.Equal(_bed.Packages["TOP-10M"], bucket.TopUpPackageId);
        Assert.NotNull(bucket.TopUpPackageVersionId);
        Assert.Equal("liu", bucket.SoldById);
        var audit = Assert.Single(await _bed.AuditAsync(AuditActions.TopUpSold));
        Assert.Contains("\"PriceFen\":50000", audit.AfterJson, StringComparison.Ordinal);

        var basePackage = await Service.BuyTopUpAsync(Am, s.Id, _bed.Packages["ENT-M"], Ct).RefusedAsync();
        Assert.Equal(("Choose a top-up pack that is on sale.", "package"), (basePackage.Code, basePackage.Field));
        // The sale moved the version: a second sale on the view from before is a conflict.
        Assert.True((await Service.BuyTopUpAsync(Am, s.Id, s.Version, _bed.Packages["TOP-10M"], Ct)).Conflict);
        _bed.Clock.Advance(TimeSpan.FromSeconds(1));
        await Service.BuyTopUpAsync(Am, s.Id, _bed.Packages["TOP-10M"], Ct).OkAsync();
        Assert.Equal(2, await _bed.ReadAsync(db => db.AllowanceBuckets.CountAsync(Ct)));
    }

    [Fact]
    public async Task A_top_up_needs_a_subscription_that_has_started_and_is_not_over()
    {
        var future = await Service.SubscribeAsync(Am, _bed.Customers["ACME"], _bed.Packages["ENT-S"], Now.AddDays(2), Ct).OkAsync();
        await Service.BuyTopUpAsync(Am, future, _bed.Packages["TOP-10M"], Ct).RefusedAsync();

        var s = await _bed.SubscribedAsync("ENT-M", "BETA");
        await Service.CancelAsync(Am, s.Id, s.Version, Ct).OkAsync();
        _bed.Clock.SetUtcNow(PeriodEnd.AddMinutes(1));
        await _bed.SubscriptionClock.RunOnceAsync(Ct);
        await Service.BuyTopUpAsync(Am, s.Id, _bed.Packages["TOP-10M"], Ct).RefusedAsync();
        Assert.Equal(0, await _bed.ReadAsync(db => db.AllowanceBuckets.CountAsync(Ct)));
    }

    [Fact]
    public async Task Of_two_account_managers_changing_one_subscription_on_the_same_view_the_second_is_refused_and_nothing_is_overwritten()
    {
        var s = await _bed.SubscribedAsync("ENT-M");

        await Service.ChangePackageAsync(Am, s.Id, s.Version, _bed.Packages["ENT-Y"], PackageChange.Upgrade, Ct).OkAsync();
        var second = await Service.ChangePackageAsync(OtherAm, s.Id, s.Version, _bed.Packages["ENT-S"], PackageChange.Downgrade, Ct);

        Assert.True(second.Conflict);
        Assert.Equal(Refusal.StaleCode, second.Refusal!.Code);
        var after = await _bed.SubscriptionAsync(s.Id);
        Assert.Equal(_bed.Packages["ENT-Y"], after.PackageId);
        Assert.Equal(2, after.Terms.Count);
        Assert.Null(after.Terms[1].To);
        Assert.Empty(await _bed.AuditAsync(AuditActions.SubscriptionDowngradeScheduled));
    }

    [Fact]
    public async Task Two_changes_on_one_version_at_the_same_moment_one_wins_the_other_is_a_conflict()
    {
        var s = await _bed.SubscribedAsync("ENT-M");

        var results = await Task.WhenAll(
            Task.Run(() => Service.SuspendAsync(Ops, s.Id, s.Version, "abuse", Ct), Ct),
            Task.Run(() => Service.CancelAsync(OtherAm, s.Id, s.Version, Ct), Ct));

        Assert.Single(results, r => r.Succeeded);
        Assert.Single(results, r => r.Conflict);
        var after = await _bed.SubscriptionAsync(s.Id);
        Assert.Equal(s.Version + 1, after.Version);
        Assert.True(after.Status == SubscriptionStatus.Suspended ^ after.EndsAt is not null);
    }
}
