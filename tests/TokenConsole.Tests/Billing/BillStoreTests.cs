using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Features.Billing;

namespace TokenConsole.Tests.Billing;

/// <summary>The bill run's raw inserts: the rows are those EF would write, and a bill that exists fails the batch as EF's save would.</summary>
public sealed class BillStoreTests : BillingTestBed
{
    [Fact]
    public async Task Bills_inserted_by_the_store_read_back_through_EF_exactly_as_they_were_made()
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
                },
                new BillLine { Number = 3, Kind = BillLineKind.Credit, CreditNoteId = 77, Quantity = 1, UnitPrice = -13.33m, AmountMicros = -13_330_000, AmountFen = -1_333, Detail = "outage" },
            ],
        };

        await using (var db = Database.CreateDbContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            await new SqlBillStore().InsertAsync(db, [bill], Ct);
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
    }

    [Fact]
    public async Task A_bill_the_customer_has_for_the_month_already_fails_the_batch_as_a_unique_violation_and_keeps_none_of_it()
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
                new SqlBillStore().InsertAsync(db, [Make(customers[0].Id, "TC-202611-C00001"), Make(customers[1].Id, "TC-202611-C00002-again")], Ct));
            // What the write path recognizes as a conflict (SQLITE_CONSTRAINT_UNIQUE): the batch is tried again, skipping the billed.
            Assert.Equal(2067, Assert.IsType<SqliteException>(failed.InnerException).SqliteExtendedErrorCode);
        }

        var bills = await BillsOfAsync(November);
        Assert.Equal([customers[1].Id], bills.Select(b => b.CustomerId));
    }
}
