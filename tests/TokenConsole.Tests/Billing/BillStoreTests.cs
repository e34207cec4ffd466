using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Features.Billing;

namespace TokenConsole.Tests.Billing;

/// <summary>
/// The bill run's raw inserts, the portable store and SQLite's own: the rows are those EF would write, and a bill that
/// exists fails the batch as EF's save would.
/// </summary>
public sealed class BillStoreTests : BillingTestBed
{
    // SQLite's own store only where SQLite runs; the portable one on both.
    public static TheoryData<string> Stores => TestProvider.IsPostgreSQL ? [nameof(SqlBillStore)] : [nameof(SqlBillStore), nameof(SqliteBillStore)];

    private static IBillStore Store(string name) => name == nameof(SqliteBillStore) ? new SqliteBillStore() : new SqlBillStore();

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Bills_inserted_by_the_store_read_back_through_EF_exactly_as_they_were_made(string store)
    {
        var customer = AddCustomers(1)[0];
        var issuedAt = new DateTimeOffset(2026, 12, 1, 0, 10, 0, TimeSpan.FromHours(8));
        var bill = new Bill
        {
            BillNo = "TC-202611-C00001", CustomerId = customer.Id, Period = November.Period, IssuedAt = issuedAt, NetFen = 28_302, TaxFen = 1_698, TotalFen = 30_000,
            VatRate = 0.06m,
            Lines =
            [
                new BillLine { Number = 1, Kind = BillLineKind.Fee, PackageId = BasePackageId, Quantity = 30, UnitPrice = 300m, AmountMicros = 300_000_000, AmountFen = 30_000 },
                new BillLine
                {
                    Number = 2, Kind = BillLineKind.LateUsage, ModelId = ModelB, UsageMonth = 202610, Quantity = 1_234_567.891234m, UnitPrice = 10.800001m,
                    AmountMicros = 13_333_333, AmountFen = 1_333, RulesEffectMicros = -1_481_482, Detail = "v3, v4",
                    RuleEffects =
                    [
                        new BillLineRuleEffect { RuleSetVersion = 3, RuleOrdinal = 1, RuleName = "Finance weekday −10 %", EffectMicros = -1_000_000, EffectFen = -100, Tokens = 123_456.5m },
                        new BillLineRuleEffect { RuleSetVersion = 4, RuleOrdinal = 2, RuleName = "夜间 −5 %", EffectMicros = -481_482, EffectFen = -48, Tokens = 1_111_111.391234m },
                    ],
                },
                new BillLine { Number = 3, Kind = BillLineKind.Credit, CreditNoteId = 77, Quantity = 1, UnitPrice = -13.33m, AmountMicros = -13_330_000, AmountFen = -1_333, Detail = "outage" },
            ],
        };

        await using (var db = Database.CreateDbContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            await Store(store).InsertAsync(db, [bill], Ct);
            await transaction.CommitAsync(Ct);
        }

        Assert.NotEqual(0, bill.Id);
        Assert.All(bill.Lines, l => Assert.Equal(bill.Id, l.BillId));
        var read = Assert.Single(await BillsOfAsync(November));
        Assert.Equal((bill.Id, bill.BillNo, bill.CustomerId, bill.Period, issuedAt, bill.NetFen, bill.TaxFen, bill.TotalFen, bill.VatRate),
            (read.Id, read.BillNo, read.CustomerId, read.Period, read.IssuedAt, read.NetFen, read.TaxFen, read.TotalFen, read.VatRate));
        Assert.Equal(
            bill.Lines.Select(l => (l.BillId, l.Number, l.Kind, l.PackageId, l.ModelId, l.CreditNoteId, l.UsageMonth, l.Quantity, l.UnitPrice, l.AmountMicros, l.AmountFen, l.RulesEffectMicros, l.Detail)),
            read.Lines.OrderBy(l => l.Number).Select(l => (l.BillId, l.Number, l.Kind, l.PackageId, l.ModelId, l.CreditNoteId, l.UsageMonth, l.Quantity, l.UnitPrice, l.AmountMicros, l.AmountFen, l.RulesEffectMicros, l.Detail)));
        // The ruled line's id came back to its effects, and they read back as made.
        var ruled = bill.Lines[1];
        Assert.NotEqual(0, ruled.Id);
        await using var check = Database.CreateDbContext();
        var effects = await check.Set<BillLineRuleEffect>().AsNoTracking().OrderBy(e => e.RuleOrdinal).ToListAsync(Ct);
        Assert.Equal(
            ruled.RuleEffects.Select(e => (ruled.Id, e.RuleSetVersion, e.RuleOrdinal, e.RuleName, e.EffectMicros, e.EffectFen, e.Tokens)),
            effects.Select(e => (e.BillLineId, e.RuleSetVersion, e.RuleOrdinal, e.RuleName, e.EffectMicros, e.EffectFen, e.Tokens)));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_bill_the_customer_has_for_the_month_already_fails_the_batch_as_a_unique_violation_and_keeps_none_of_it(string store)
    {
        var customers = AddCustomers(2);
        Bill Make(int customerId, string no) => new()
        {
            BillNo = no, CustomerId = customerId, Period = November.Period, IssuedAt = Clock.GetUtcNow(), TotalFen = 100, NetFen = 94, TaxFen = 6, VatRate = 0.06m,
            Lines = [new BillLine { Number = 1, Kind = BillLineKind.Fee, PackageId = BasePackageId, Quantity = 1, AmountMicros = 1_000_000, AmountFen = 100 }],
        };
        await using (var db = Database.CreateDbContext())
        {
            db.Bills.Add(Make(customers[1].Id, "TC-202611-C00002"));
            await db.SaveChangesAsync(Ct);
        }

        await using (var db = Database.CreateDbContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            var failed = await Assert.ThrowsAsync<DbUpdateException>(() =>
                Store(store).InsertAsync(db, [Make(customers[0].Id, "TC-202611-C00001"), Make(customers[1].Id, "TC-202611-C00002-again")], Ct));
            // What the write path recognizes as a conflict (SQLITE_CONSTRAINT_UNIQUE): the batch is tried again, skipping the billed.
            // SQLITE_CONSTRAINT_UNIQUE, or PostgreSQL's unique_violation.
            Assert.True(failed.InnerException is SqliteException { SqliteExtendedErrorCode: 2067 } or Npgsql.PostgresException { SqlState: "23505" }, failed.InnerException?.Message);
        }

        var bills = await BillsOfAsync(November);
        Assert.Equal([customers[1].Id], bills.Select(b => b.CustomerId));
    }
}
