using Microsoft.EntityFrameworkCore;
using TokenConsole.Features.Billing;

namespace TokenConsole.Tests.Billing;

public sealed class BillRunTests : BillingTestBed
{
    public BillRunTests() : base(batchSize: 2)
    {
    }

    [Fact]
    public async Task A_bill_has_a_line_per_package_top_up_and_model_each_rounded_once_and_its_total_is_their_exact_sum_with_VAT_taken_out()
    {
        var c = AddCustomers(1)[0];
        AddFees(c, November, 30, 10_000_000);                          // ¥10.00 a day for 30 days
        AddTopUp(c, new DateTimeOffset(November.StartUtc.AddDays(9).AddHours(5)), 5_000);
        AddUsage(c, ModelA, Day(November, 3), 1_234_567, 100_000m, 1_500_000);
        AddUsage(c, ModelA, Day(November, 4), 1_000_433, 50_000.5m, 1_000_000);   // Σ 2_235_000 µ¥ = ¥2.235 → ¥2.24 (half away from zero)
        AddUsage(c, ModelB, Day(November, 5), 4_999, 10m, 4_999);                  // ¥0.004999 → ¥0.00: a zero line is still a line of a bill with others
        AddUsage(c, ModelB, Day(new BillMonth(2026, 8), 5), 9_999_999, 1m, 9_999_999);  // older than the two late months: not billed again
        AddUsage(c, ModelA, Day(December, 1), 7_000_000, 1m, 7_000_000);          // the next month: not on November's bill

        var result = await Runs.RunAsSystemAsync(November, cancellationToken: Ct);

        Assert.Equal(1, result.BillsIssued);
        var bill = Assert.Single(await BillsOfAsync(November));
        Assert.Equal($"TC-202611-{c.Code}", bill.BillNo);
        var lines = bill.Lines.OrderBy(l => l.Number).ToList();
        Assert.Equal([BillLineKind.Fee, BillLineKind.TopUp, BillLineKind.Usage, BillLineKind.Usage], lines.Select(l => l.Kind));
        Assert.Equal((30_000L, 30m, 300m), (lines[0].AmountFen, lines[0].Quantity, lines[0].UnitPrice));
        Assert.Equal((5_000L, 1m, 50m, TopUpPackageId), (lines[1].AmountFen, lines[1].Quantity, lines[1].UnitPrice, lines[1].PackageId!.Value));
        var usage = lines[2];
        Assert.Equal((ModelA, 2_235_000L, 224L, 150_000.5m, 202611), (usage.ModelId!.Value, usage.AmountMicros, usage.AmountFen, usage.Quantity, usage.UsageMonth!.Value));
        Assert.Equal(2_235_000L - 2_500_000L, usage.RulesEffectMicros);
        Assert.Equal(decimal.Round(2_235_000m / 150_000.5m, 6, MidpointRounding.AwayFromZero), usage.UnitPrice);
        Assert.Equal(0, lines[3].AmountFen);
        Assert.Equal(30_000 + 5_000 + 224 + 0, bill.TotalFen);
        Assert.Equal(bill.Lines.Sum(l => l.AmountFen), bill.TotalFen);
        // 价税合计 35,224 fen: VAT = 35,224 × 0.06 / 1.06 = 1,993.81… → 1,994 fen; amount before tax the rest.
        Assert.Equal((33_230L, 1_994L), (bill.NetFen, bill.TaxFen));
        Assert.Equal(Vat.Split(bill.TotalFen, 0.06m), (bill.NetFen, bill.TaxFen));
    }

    private static BillMonth October => November.Previous;

    [Fact]
    public async Task Running_a_month_twice_changes_nothing_and_a_customer_with_nothing_to_bill_gets_no_bill()
    {
        var customers = AddCustomers(5);
        foreach (var c in customers.Take(4))
        {
            AddFees(c, November, 10, 1_000_000);
        }
        var first = await Runs.RunAsSystemAsync(November, cancellationToken: Ct);
        var before = await BillsOfAsync(November);

        var second = await Runs.RunAsSystemAsync(November, cancellationToken: Ct);

        Assert.Equal(4, first.BillsIssued);
        Assert.Equal((5, 5), (first.CustomersDone, first.CustomersTotal));
        Assert.Equal(4, second.BillsIssued);
        var after = await BillsOfAsync(November);
        Assert.Equal(before.Select(b => (b.Id, b.TotalFen, b.IssuedAt, b.Lines.Count)), after.Select(b => (b.Id, b.TotalFen, b.IssuedAt, b.Lines.Count)));
        Assert.DoesNotContain(after, b => b.CustomerId == customers[4].Id);
        await using var db = Database.CreateDbContext();
        Assert.Equal(2, await db.BillRuns.CountAsync(r => r.Period == November.Period && r.FinishedAt != null, Ct));
        Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.Action == "bill.run_finished", Ct));
    }

    [Fact]
    public async Task Usage_that_arrives_after_its_month_was_billed_goes_on_the_next_bill_and_only_the_part_not_billed()
    {
        var c = AddCustomers(1)[0];
        AddUsage(c, ModelA, Day(November, 20), 3_000_000, 1_000m, 3_000_000);
        // October was never closed by a bill run: its usage is not "late" on a later bill.
        AddUsage(c, ModelB, Day(October, 10), 4_000_000, 1_000m, 4_000_000);
        await Runs.RunAsSystemAsync(November, cancellationToken: Ct);
        // Late: more usage of 20 November arrives after November was closed, and December's own usage.
        AddUsage(c, ModelA, Day(November, 20), 1_005_000, 300m, 1_200_000);
        AddUsage(c, ModelA, Day(December, 2), 2_000_000, 500m, 2_000_000);
        Clock.SetUtcNow(new DateTimeOffset(2027, 1, 2, 0, 0, 0, TimeSpan.Zero));

        await Runs.RunAsSystemAsync(December, cancellationToken: Ct);

        var november = Assert.Single(await BillsOfAsync(November));
        Assert.Equal(300, november.TotalFen);
        var december = Assert.Single(await BillsOfAsync(December));
        var lines = december.Lines.OrderBy(l => l.Number).ToList();
        Assert.Equal([BillLineKind.Usage, BillLineKind.LateUsage], lines.Select(l => l.Kind));
        Assert.Equal((202612, 200L), (lines[0].UsageMonth!.Value, lines[0].AmountFen));
        Assert.Equal((202611, 1_005_000L, 101L, 300m, -195_000L), (lines[1].UsageMonth!.Value, lines[1].AmountMicros, lines[1].AmountFen, lines[1].Quantity, lines[1].RulesEffectMicros));
        Assert.Equal(301, december.TotalFen);

        // January: November's usage is billed in full by now, December's too; nothing late remains.
        Clock.SetUtcNow(new DateTimeOffset(2027, 2, 2, 0, 0, 0, TimeSpan.Zero));
        var january = await Runs.RunAsSystemAsync(December.Next, cancellationToken: Ct);
        Assert.Equal(0, january.BillsIssued);
    }

    /// <summary>
    /// As two instances would in the seconds after the job lease moved: both run the month at once. Whatever each of them
    /// answers (one may be refused on a bill the other issued), a run afterwards finishes the month and each customer has
    /// one bill, of the right total.
    /// </summary>
    [Fact]
    public async Task Two_runs_of_the_same_month_at_once_issue_each_bill_once()
    {
        var customers = AddCustomers(12);
        foreach (var c in customers)
        {
            AddFees(c, November, 3, 500_000);
        }

        async Task<Exception?> RunAsync()
        {
            try
            {
                await Runs.RunAsSystemAsync(November, cancellationToken: Ct);
                return null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return e;
            }
        }
        var outcomes = await Task.WhenAll(RunAsync(), RunAsync());
        Assert.Contains(null, outcomes);
        await Runs.RunAsSystemAsync(November, cancellationToken: Ct);

        var bills = await BillsOfAsync(November);
        Assert.Equal(customers.Select(c => c.Id), bills.Select(b => b.CustomerId));
        // A line written twice would show in the total.
        Assert.All(bills, b => Assert.Equal(150, b.TotalFen));
    }

    [Fact]
    public async Task A_run_interrupted_after_its_first_batch_resumes_where_it_was_and_each_bill_exists_once()
    {
        var customers = AddCustomers(7);
        foreach (var c in customers)
        {
            AddFees(c, November, 3, 500_000);
        }
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var progress = new SynchronousProgress(p =>
        {
            if (p.CustomersDone >= 2)
            {
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Runs.RunAsSystemAsync(November, progress, cancel.Token));

        Assert.Equal(2, (await BillsOfAsync(November)).Count);
        await using (var db = Database.CreateDbContext())
        {
            var run = await db.BillRuns.SingleAsync(Ct);
            Assert.Null(run.FinishedAt);
            Assert.Equal((2, 2), (run.Customers, run.BillsIssued));
        }

        var resumed = await Runs.RunAsSystemAsync(November, cancellationToken: Ct);

        Assert.Equal(7, resumed.BillsIssued);
        var bills = await BillsOfAsync(November);
        Assert.Equal(customers.Select(c => c.Id), bills.Select(b => b.CustomerId));
        Assert.All(bills, b => Assert.Equal(150, b.TotalFen));
        await using (var db = Database.CreateDbContext())
        {
            var run = await db.BillRuns.SingleAsync(Ct);
            Assert.Equal(resumed.RunId, run.Id);
            Assert.NotNull(run.FinishedAt);
            Assert.Equal((7, 7), (run.Customers, run.BillsIssued));
        }
    }

    [Fact]
    public async Task An_approved_credit_note_is_a_negative_line_of_the_next_bill_and_is_marked_applied_on_it()
    {
        var c = AddCustomers(1)[0];
        AddFees(c, October, 31, 10_000_000);
        await Runs.RunAsSystemAsync(October, cancellationToken: Ct);
        var october = Assert.Single(await BillsOfAsync(October));
        var note = await CreditNotes.ProposeAsync(Am, october.Id, 12.34m, "Outage on 3 October", Ct);
        Assert.Equal(CreditNoteStatus.Approved, note.Value!.Status);
        AddFees(c, November, 30, 10_000_000);

        await Runs.RunAsSystemAsync(November, cancellationToken: Ct);

        var november = Assert.Single(await BillsOfAsync(November));
        var credit = Assert.Single(november.Lines, l => l.Kind == BillLineKind.Credit);
        Assert.Equal((-1_234L, note.Value.Id), (credit.AmountFen, credit.CreditNoteId!.Value));
        Assert.Equal(30_000 - 1_234, november.TotalFen);
        var applied = await CreditNotes.FindAsync(note.Value.Id, Ct);
        Assert.Equal((CreditNoteStatus.Applied, november.Id), (applied!.Status, applied.AppliedOnBillId!.Value));
    }

    [Fact]
    public async Task A_person_may_bill_only_an_ended_month_and_only_as_an_account_manager()
    {
        AddCustomers(1);
        Assert.Equal("Only a month that has ended can be billed.", (await Runs.RunAsync(Am, December, cancellationToken: Ct)).Refusal!.Code);
        Assert.False((await Runs.RunAsync(Exec, November, cancellationToken: Ct)).Succeeded);
        Assert.True((await Runs.RunAsync(Am, November, cancellationToken: Ct)).Succeeded);
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool, too late to stop the next batch).</summary>
    private sealed class SynchronousProgress(Action<BillRunProgress> report) : IProgress<BillRunProgress>
    {
        public void Report(BillRunProgress value) => report(value);
    }
}
