using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CsvHelper;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Data;
using TokenConsole.Features.Reports;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Reports;

/// <summary>
/// The exports read by programs other than the one that wrote them: the Open XML SDK's validator (the schema Excel
/// checks), openpyxl (what pandas and LibreOffice-like readers use) and a CSV parser. Their numbers must be the report's.
/// </summary>
public sealed class ReportFileReaderTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(ReportPeriod Period, ReportData Data)> LastWeekAsync()
    {
        using var scope = factory.Services.CreateScope();
        var reports = scope.ServiceProvider.GetRequiredService<ReportsService>();
        var today = reports.Today();
        var period = new ReportPeriod(today.AddDays(-7), today.AddDays(-1));
        return (period, await reports.GetAsync(period, Ct));
    }

    private async Task<string> DownloadXlsxAsync(ReportPeriod period)
    {
        using var client = await factory.SignedInClientAsync("exec");
        var response = await client.GetAsync($"/reports/export.xlsx?{period.Query}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var path = Path.Combine(Path.GetTempPath(), $"tc-report-{Guid.NewGuid():N}.xlsx");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync(Ct), Ct);
        return path;
    }

    [Fact]
    public async Task The_workbook_passes_the_Open_XML_validator()
    {
        var (period, _) = await LastWeekAsync();
        var path = await DownloadXlsxAsync(period);
        try
        {
            using var document = SpreadsheetDocument.Open(path, false);
            var errors = new OpenXmlValidator().Validate(document, Ct).Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();
            Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Reads the workbook with openpyxl and returns, per sheet, its rows as values and number formats.</summary>
    private static async Task<JsonElement> ReadWithOpenpyxlAsync(string path)
    {
        const string script = """
            import json, sys, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            out = {}
            for ws in wb.worksheets:
                out[ws.title] = [[{"v": c.value if not hasattr(c.value, "isoformat") else c.value.isoformat(), "f": c.number_format} for c in row] for row in ws.iter_rows()]
            print(json.dumps(out))
            """;
        // Debian's python3-openpyxl (what .ci/run installs) is in the system Python, which a pyenv or venv on the PATH hides.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.False(error.Contains("No module named 'openpyxl'", StringComparison.Ordinal),
            "openpyxl is missing: apt-get install -y python3-openpyxl (.ci/run installs it).");
        Assert.True(process.ExitCode == 0, $"openpyxl could not read the workbook: {error}");
        return JsonDocument.Parse(await output).RootElement.Clone();
    }

    [Fact]
    public async Task Openpyxl_reads_the_workbook_with_the_reports_numbers_formats_and_no_database_ids()
    {
        var (period, data) = await LastWeekAsync();
        var path = await DownloadXlsxAsync(period);
        JsonElement book;
        try
        {
            book = await ReadWithOpenpyxlAsync(path);
        }
        finally
        {
            File.Delete(path);
        }

        var summary = book.GetProperty("Summary").EnumerateArray().Select(r => r.EnumerateArray().ToList()).ToList();
        Assert.Equal("Tokens", summary[1][0].GetProperty("v").GetString());
        Assert.Equal(data.Kpis.Tokens.Value, summary[1][1].GetProperty("v").GetDecimal());
        Assert.Equal("#,##0", summary[1][1].GetProperty("f").GetString());
        Assert.Equal(Money.ToFen(data.Kpis.Revenue.Value), summary[2][1].GetProperty("v").GetDecimal());
        Assert.Equal(Money.ToFen(data.Kpis.Revenue.Previous), summary[2][2].GetProperty("v").GetDecimal());
        Assert.Equal("#,##0.00", summary[2][1].GetProperty("f").GetString());
        Assert.Equal("0.0%", summary[4][1].GetProperty("f").GetString());
        Assert.Equal("#,##0", summary[5][1].GetProperty("f").GetString());
        Assert.Equal("0.0%", summary[2][3].GetProperty("f").GetString());

        var regions = book.GetProperty("Regions").EnumerateArray().Skip(1).Select(r => r.EnumerateArray().ToList()).ToList();
        Assert.Equal(data.Regions.Select(r => (r.Key, r.Tokens, Money.ToFen(r.Revenue))),
            regions.Select(r => (r[0].GetProperty("v").GetString()!, r[2].GetProperty("v").GetInt64(), r[3].GetProperty("v").GetDecimal())));

        // Models and packages by their codes, as people know them, not by database ids.
        foreach (var sheet in new[] { "Models", "Packages" })
        {
            var rows = book.GetProperty(sheet).EnumerateArray().Select(r => r.EnumerateArray().ToList()).ToList();
            Assert.Equal("Code", rows[0][0].GetProperty("v").GetString());
            Assert.All(rows.Skip(1), r => Assert.False(int.TryParse(r[0].GetProperty("v").ToString(), out _), $"{sheet}: {r[0]} looks like a database id"));
        }
        Assert.Equal(data.Models.Sum(m => m.Tokens), book.GetProperty("Models").EnumerateArray().Skip(1).Sum(r => r[2].GetProperty("v").GetInt64()));
    }

    [Fact]
    public async Task Money_in_every_csv_has_at_most_two_decimals_and_adds_up_to_the_report()
    {
        var (period, data) = await LastWeekAsync();
        using var client = await factory.SignedInClientAsync("pm");
        foreach (var table in ReportTables.Ids)
        {
            var csv = await client.GetByteArrayAsync($"/reports/export.csv?{period.Query}&table={table}", Ct);
            using var reader = CsvReader.Create(csv);
            var money = reader.Headers.Where(h => h.Contains("(CNY)", StringComparison.Ordinal)).ToList();
            foreach (var _ in reader)
            {
                // The summary names the amount in its first column and gives it in the next two.
                var amounts = table == "summary" && reader.GetString(0).Contains("(CNY)", StringComparison.Ordinal) ? reader.Headers.Skip(1).Take(2) : money;
                foreach (var column in amounts)
                {
                    var text = reader.GetString(column);
                    var decimals = text.Contains('.', StringComparison.Ordinal) ? text.Length - text.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
                    Assert.True(decimals <= 2, $"{table}.{column} = {text}");
                }
            }
        }

        var daily = await client.GetByteArrayAsync($"/reports/export.csv?{period.Query}&table=daily", Ct);
        using var days = CsvReader.Create(daily);
        var revenue = 0m;
        foreach (var _ in days)
        {
            revenue += days.Parse<decimal>("Revenue (CNY)");
        }
        Assert.Equal(data.Daily.Sum(d => Money.ToFen(d.Revenue)), revenue);
        // Each day to the fen, so the days add up to the period's revenue within half a fen a day.
        Assert.True(Math.Abs(revenue - data.Kpis.Revenue.Value) <= 0.005m * data.Daily.Count, $"{revenue} vs {data.Kpis.Revenue.Value}");
    }
}
