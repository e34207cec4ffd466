using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace TokenConsole.Localization;

/// <summary>English and Chinese: resources, the request culture and the language switch.</summary>
public static class LocalizationModule
{
    public static readonly string[] SupportedCultures = ["en", "zh-CN"];

    public static void AddConsoleLocalization(this IHostApplicationBuilder builder)
    {
        builder.Services.AddLocalization();
        builder.Services.AddTransient<MudBlazor.MudLocalizer, ConsoleMudLocalizer>();
        builder.Services.Configure<RequestLocalizationOptions>(options =>
        {
            options.SetDefaultCulture(SupportedCultures[0]).AddSupportedCultures(SupportedCultures).AddSupportedUICultures(SupportedCultures);
            // The cookie the language switch sets wins over the browser's Accept-Language.
            options.RequestCultureProviders.Insert(0, new CookieRequestCultureProvider());
        });
    }

    /// <summary><c>GET /culture/set?culture=zh-CN&amp;redirectUri=/</c> stores the choice in the culture cookie and goes back.</summary>
    public static void MapConsoleLocalization(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/culture/set", (string? culture, string? redirectUri, HttpContext context) =>
        {
            if (culture is null || !SupportedCultures.Contains(culture, StringComparer.OrdinalIgnoreCase))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unsupported culture",
                    detail: $"Supported cultures: {string.Join(", ", SupportedCultures)}.");
            }
            var requestCulture = new RequestCulture(CultureInfo.GetCultureInfo(culture));
            context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(requestCulture),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = false });
            return Results.LocalRedirect(Auth.AuthModule.LocalUrl(redirectUri));
        }).AllowAnonymous();
    }
}
