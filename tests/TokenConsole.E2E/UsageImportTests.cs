using System.Globalization;
using System.Text;
using Microsoft.Playwright;

namespace TokenConsole.E2E;

/// <summary>The CSV import says what is wrong with each row, gives the rejected rows back as a file and keeps a history.</summary>
[Collection(ConsoleServerCollection.Name)]
public sealed class UsageImportTests(ConsoleServer server)
{
    [Fact]
    public async Task A_wrong_column_count_and_a_non_number_say_so_the_rejected_rows_download_and_the_import_is_in_the_history()
    {
        var at = DateTimeOffset.UtcNow.AddHours(-2).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var run = Guid.NewGuid().ToString("N")[..8];
        var csv = string.Join("\n",
            "id,timestamp,customer,package,model,region,industry,inputTokens,outputTokens",
            $"imp-{run}-1,{at},C00002,IND-CITY,deepseek-v3,CN-AH,government,1200,300",
            $"imp-{run}-2,{at},C00002,IND-CITY,deepseek-v3,CN-AH,government,12O0,300",
            $"imp-{run}-3,{at},C00002,IND-CITY,deepseek-v3,CN-AH,government,1200",
            $"imp-{run}-4,{at},C99999,IND-CITY,deepseek-v3,CN-AH,government,1200,300") + "\n";
        var page = await server.NewPageAsync();
        await page.SignInAsync("ops", server.DemoPassword);
        await page.GotoAsync("/consumption/import");
        await page.WaitForInteractiveAsync();
        await page.Locator("input[type='file']").SetInputFilesAsync(new FilePayload { Name = $"usage-{run}.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });

        var summary = page.GetByTestId("csv-summary");
        await Assertions.Expect(summary).ToContainTextAsync("1 accepted", new() { Timeout = 30_000 });
        await Assertions.Expect(summary).ToContainTextAsync("3 rejected");
        var errors = page.GetByTestId("csv-errors");
        await Assertions.Expect(errors).ToContainTextAsync("inputTokens is not a whole number: '12O0'.");
        await Assertions.Expect(errors).ToContainTextAsync("This row has 8 columns; the header has 9.");
        await Assertions.Expect(errors).Not.ToContainTextAsync("required");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("csv-rejected-download").ClickAsync());
        var lines = (await File.ReadAllTextAsync(await download.PathAsync(), TestContext.Current.CancellationToken)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("line,id,timestamp,customer,package,model,region,industry,inputTokens,outputTokens,pool,field,reason", lines[0]);
        Assert.Equal(3, lines.Length - 1);
        Assert.Contains(lines, l => l.StartsWith($"3,imp-{run}-2,{at},C00002,IND-CITY,deepseek-v3,CN-AH,government,12O0,300,,inputTokens,", StringComparison.Ordinal)
            && l.Contains("is not a whole number", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"4,imp-{run}-3,", StringComparison.Ordinal) && l.Contains("This row has 8 columns; the header has 9.", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"5,imp-{run}-4,{at},C99999,", StringComparison.Ordinal) && l.Contains(",customer,Unknown customer 'C99999'.", StringComparison.Ordinal));

        // The history lists it, newest first: when, who by name, which file, what became of its rows.
        var latest = page.GetByTestId("csv-history").Locator("tbody tr").First;
        await Assertions.Expect(latest).ToContainTextAsync($"usage-{run}.csv");
        await Assertions.Expect(latest).ToContainTextAsync("Zhang Qiang");
        await Assertions.Expect(latest.Locator("td:nth-child(4)")).ToContainTextAsync("1");
        await Assertions.Expect(latest.Locator("td:nth-child(6)")).ToContainTextAsync("3");
        await page.ScreenshotAsync("usage-import-rejected");

        // The history is read from the audit log: it is still there after a reload.
        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.GetByTestId("csv-history").Locator("tbody tr").First).ToContainTextAsync($"usage-{run}.csv");
        await page.Context.CloseAsync();
    }
}
