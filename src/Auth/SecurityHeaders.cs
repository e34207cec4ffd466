using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace TokenConsole.Auth;

/// <summary>
/// The security headers of every answer — pages, API, static files — with NetEscapades.AspNetCore.SecurityHeaders.
/// What App.razor loads decides the Content-Security-Policy: scripts are files of this site only, except Blazor's
/// import map (an inline <c>&lt;script type="importmap"&gt;</c>), which carries the request's nonce.
/// </summary>
public static class SecurityHeaders
{
    public static void AddSecurityHeaders(this IHostApplicationBuilder builder) =>
        // Kestrel writes "Server: Kestrel" after every middleware has run: only Kestrel can leave it out.
        builder.Services.Configure<KestrelServerOptions>(options => options.AddServerHeader = false);

    /// <summary>First in the pipeline, so that every answer, an error page's included, has the headers.</summary>
    public static void UseConsoleSecurityHeaders(this WebApplication app) => app.UseSecurityHeaders(Policy(app.Configuration));

    public static HeaderPolicyCollection Policy(IConfiguration configuration) => new HeaderPolicyCollection()
        .AddContentTypeOptionsNoSniff()
        .AddReferrerPolicyStrictOriginWhenCrossOrigin()
        // Frame-ancestors is the rule; X-Frame-Options says the same to browsers that predate it.
        .AddFrameOptionsDeny()
        // Sent only over HTTPS, and never for localhost (the library's exclusion), so a developer's browser does not
        // learn to refuse http://localhost.
        .AddStrictTransportSecurityMaxAge()
        .RemoveServerHeader()
        .AddCrossOriginOpenerPolicy(policy => policy.SameOrigin())
        .AddContentSecurityPolicy(csp =>
        {
            csp.AddDefaultSrc().Self();
            // blazor.web.js, MudBlazor.min.js, apexcharts.min.js and console.js are files; the import map is the one
            // inline script and has the nonce (App.razor). No 'unsafe-inline', no 'unsafe-eval': none of them needs it.
            csp.AddScriptSrc().Self().WithNonce();
            // MudBlazor (and ApexCharts) set style attributes and inline <style> elements for positions, popovers and
            // chart sizes at run time; they cannot carry a nonce, so styles need 'unsafe-inline'. Styles cannot run script.
            csp.AddStyleSrc().Self().UnsafeInline();
            // ApexCharts and MudBlazor draw some icons and patterns as data: URIs.
            csp.AddImgSrc().Self().Data();
            csp.AddFontSrc().Self().Data();
            // The circuit's WebSocket (/_blazor) is same-origin: CSP Level 3 lets 'self' match ws: and wss: on the
            // same host and port (Chromium, Firefox and Safari do), so no scheme-wide ws:/wss: source is needed.
            csp.AddConnectSrc().Self();
            csp.AddObjectSrc().None();
            csp.AddBaseUri().Self();
            var forms = csp.AddFormAction().Self();
            if (AuthModule.IsEntraMode(configuration))
            {
                // Signing out under Entra posts here and is redirected to the directory: a form's redirect is bound too.
                forms.From(new Uri(configuration["AzureAd:Instance"] ?? "https://login.microsoftonline.com/").GetLeftPart(UriPartial.Authority));
            }
            csp.AddFrameAncestors().None();
        });
}
