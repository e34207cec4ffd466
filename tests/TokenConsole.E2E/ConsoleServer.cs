using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using TokenConsole.Data.Seeding;

namespace TokenConsole.E2E;

/// <summary>
/// The real application on a loopback port (Kestrel) with its own SQLite file and the full 90-day demo data set,
/// and a headless Debian Chromium driven by Playwright. Playwright's own browser download is never used: there are
/// no downloads on these machines, and the system Chromium is what CI installs.
/// </summary>
public sealed class ConsoleServer : IAsyncLifetime
{
    private const string DefaultChromium = "/usr/bin/chromium";
    private readonly ConsoleApp _factory = new()
    {
        Settings =
        {
            // The full 90 days for realistic screenshots; few raw events, which the pages do not read.
            ["Demo:EventHours"] = "2",
            ["Ingestion:ApiKeys:0"] = IngestionKey,
        },
    };
    private IPlaywright? _playwright;

    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = default!;
    public string DemoPassword => _factory.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Password;
    public IServiceProvider Services => _factory.Services;

    /// <summary>An ingestion key provisioned through configuration, for tests that send usage through the API.</summary>
    public const string IngestionKey = "e2e-ingestion-key-0123456789";

    /// <summary>Screenshots go to TestResults/e2e-screenshots at the repository root, to be looked at after a run.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(Repository.Root, "TestResults", "e2e-screenshots");

    public async ValueTask InitializeAsync()
    {
        BaseUrl = _factory.StartOnLoopback();
        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchChromiumAsync(_playwright);
    }

    /// <summary>The system Chromium, headless, as every browser test drives it (and the screenshot folder made).</summary>
    public static async Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright)
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? DefaultChromium;
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {chromium}. The browser tests use the system Chromium: install it with " +
                "'sudo apt-get install -y chromium' (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium executable. Never run 'playwright install'.");
        }
        Directory.CreateDirectory(ScreenshotFolder);
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        await _factory.DisposeAsync();
    }

    /// <summary>A fresh browser context (its own cookies) with a page of the given size.</summary>
    /// <param name="storageState">Cookies of another context, to go on as the same signed-in person (e.g. on a phone).</param>
    public async Task<IPage> NewPageAsync(int width = 1440, int height = 900, string locale = "en-US", string? storageState = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = locale, StorageState = storageState,
        });
        return await context.NewPageAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleServerCollection : ICollectionFixture<ConsoleServer>
{
    public const string Name = "browser";
}
