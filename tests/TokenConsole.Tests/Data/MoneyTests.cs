using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Reports;

namespace TokenConsole.Tests.Data;

public sealed class MoneyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("2.345", "2.35")]
    [InlineData("-2.345", "-2.35")]
    [InlineData("2.3449999", "2.34")]
    [InlineData("0.005", "0.01")]
    [InlineData("-0.005", "-0.01")]
    [InlineData("141411.02043579018", "141411.02")]
    public void Amounts_round_to_the_fen_half_away_from_zero(string yuan, string fen) =>
        Assert.Equal(decimal.Parse(fen, CultureInfo.InvariantCulture), Money.ToFen(decimal.Parse(yuan, CultureInfo.InvariantCulture)));

    [Fact]
    public void Micro_yuan_round_half_away_from_zero_and_convert_back_exactly()
    {
        Assert.Equal(1, Money.ToMicros(0.0000005m));
        Assert.Equal(-1, Money.ToMicros(-0.0000005m));
        Assert.Equal(0, Money.ToMicros(0.00000049m));
        Assert.Equal(3, Money.RoundMicros(2.5m));
        Assert.Equal(-3, Money.RoundMicros(-2.5m));
        Assert.Equal(141_411_020_436, Money.ToMicros(141411.02043579018m));
        Assert.Equal(141411.020436m, Money.FromMicros(141_411_020_436));
        Assert.Equal(0.01m, Money.ToFen(5_000)); // ¥0.005 → one fen
    }

    [Fact]
    public async Task A_decimal_with_six_decimals_is_stored_as_an_integer_of_millionths_and_read_back_exactly()
    {
        using var database = new TestDatabase();
        await using (var db = database.CreateDbContext())
        {
            db.Models.Add(new AiModel { Code = "exact", Name = "Exact", Vendor = "v", Family = "f", InputCostPerMTok = 123456.123456m, OutputCostPerMTok = -0.000001m });
            await db.SaveChangesAsync(Ct);
        }
        await using (var db = database.CreateDbContext())
        {
            var model = await db.Models.SingleAsync(m => m.Code == "exact", Ct);
            Assert.Equal(123456.123456m, model.InputCostPerMTok);
            Assert.Equal(-0.000001m, model.OutputCostPerMTok);
            // A comparison in SQL compares the integers, in the same order as the decimals.
            Assert.True(await db.Models.AnyAsync(m => m.InputCostPerMTok > 123456.123455m, Ct));
        }
        // Stored as an integer column on either provider (SQLite's typeof, PostgreSQL's pg_typeof).
        await using var raw = database.CreateDbContext();
        var connection = raw.Database.GetDbConnection();
        await connection.OpenAsync(Ct);
        using var command = connection.CreateCommand();
        command.CommandText = database.Provider == DatabaseProvider.PostgreSQL
            ? """SELECT pg_typeof("InputCostPerMTok")::text || ' ' || "InputCostPerMTok" FROM "Models" WHERE "Code" = 'exact'"""
            : """SELECT typeof("InputCostPerMTok") || ' ' || "InputCostPerMTok" FROM "Models" WHERE "Code" = 'exact'""";
        Assert.Equal(database.Provider == DatabaseProvider.PostgreSQL ? "bigint 123456123456" : "integer 123456123456", await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task A_decimal_with_a_seventh_decimal_is_refused_not_rounded()
    {
        using var database = new TestDatabase();
        await using var db = database.CreateDbContext();
        db.Models.Add(new AiModel { Code = "too-fine", Name = "x", Vendor = "v", Family = "f", InputCostPerMTok = 0.1234567m });
        var error = await Assert.ThrowsAnyAsync<Exception>(() => db.SaveChangesAsync(Ct));
        Assert.Contains(Chain(error), e => e is ArgumentOutOfRangeException);
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenConsoleDbContext.MillionthsConverter.ToMillionths(0.0000001m));
        Assert.Equal(1, TokenConsoleDbContext.MillionthsConverter.ToMillionths(0.000001m));
    }

    [Fact]
    public void A_value_too_large_for_the_column_does_not_fit_and_does_not_overflow()
    {
        // Typed into a price field, 10²⁵ × 10⁶ would overflow decimal itself; it is refused like any value that does not fit.
        Assert.False(TokenConsoleDbContext.MillionthsConverter.Fits(10_000_000_000_000_000_000_000_000m));
        Assert.False(TokenConsoleDbContext.MillionthsConverter.Fits(decimal.MaxValue));
        Assert.True(TokenConsoleDbContext.MillionthsConverter.Fits(9_000_000_000_000m));
    }

    [Fact]
    public void The_package_and_compute_forms_refuse_a_seventh_decimal_next_to_the_field()
    {
        var form = new PackageForm { PriceCny = 9.1234567m, OveragePricePerMTok = 3.3m, SlaPercent = 99.95m, Entitlements = [new EntitlementRow { ModelId = 1, Multiplier = 1.0000001m }] };
        var errors = PackageValidator.Validate(form, new Dictionary<int, ModelInfo>(), codeTaken: false);
        Assert.Contains(errors["PriceCny"], m => m.Key == "At most six decimals.");
        Assert.False(errors.ContainsKey("SlaPercent"));
        Assert.DoesNotContain(errors.GetValueOrDefault("OveragePricePerMTok") ?? [], m => m.Key == "At most six decimals.");

        form.PriceCny = 9.123456m;
        Assert.DoesNotContain(PackageValidator.Validate(form, new Dictionary<int, ModelInfo>(), codeTaken: false).GetValueOrDefault("PriceCny") ?? [],
            m => m.Key == "At most six decimals.");

        var model = new ModelForm { Code = "m-1", Name = "n", Vendor = "v", Family = "f", ContextWindow = 128_000, InputCostPerMTok = 0.5000001m, OutputCostPerMTok = 2m };
        var modelErrors = model.Validate();
        Assert.Equal("At most six decimals.", modelErrors["input-cost"]);
        Assert.False(modelErrors.ContainsKey("output-cost"));
    }

    [Fact]
    public async Task Exports_write_amounts_to_the_fen_and_unit_prices_with_their_own_precision()
    {
        var table = new ExportTable("t", "Money", [new("Name", ColumnKind.Text), new("Revenue (CNY)", ColumnKind.Money), new("Price / M", ColumnKind.UnitPrice)],
            [["a", 141411.02043579018m, 2.498750m], ["b", -0.005m, 0.0000004m]]);

        using var csv = new MemoryStream();
        await ReportExporter.WriteCsvAsync(table, csv, Ct);
        var lines = Encoding.UTF8.GetString(csv.ToArray()).TrimStart('\uFEFF').Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["a,141411.02,2.49875", "b,-0.01,0"], lines[1..]);

        using var xlsx = new MemoryStream();
        await ReportExporter.WriteXlsxAsync([table], xlsx, Ct);
        xlsx.Position = 0;
        var rows = MiniExcel.Query(xlsx, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(141411.02m, Convert.ToDecimal(rows[0]["Revenue (CNY)"], CultureInfo.InvariantCulture));
        Assert.Equal(2.49875m, Convert.ToDecimal(rows[0]["Price / M"], CultureInfo.InvariantCulture));
        // A typed numeric cell holding exactly the fen, not the binary noise of a double.
        xlsx.Position = 0;
        using var zip = new ZipArchive(xlsx, ZipArchiveMode.Read);
        var sheet = zip.Entries.First(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal));
        using var reader = new StreamReader(sheet.Open());
        var xml = await reader.ReadToEndAsync(Ct);
        Assert.Contains(">141411.02<", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("141411.0204", xml, StringComparison.Ordinal);
    }

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
