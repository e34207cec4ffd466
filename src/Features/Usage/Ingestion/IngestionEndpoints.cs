using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using TokenConsole.Features.Admin;

namespace TokenConsole.Features.Usage.Ingestion;

/// <summary><c>POST /api/v1/usage/events</c>: batch usage ingestion for gateways, with an API key.</summary>
public static class IngestionEndpoints
{
    public const string ApiKeyHeader = "X-Api-Key";

    public static void MapIngestionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/v1/usage/events", IngestAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("IngestUsageEvents")
            .WithSummary("Stores a batch of usage events, exactly once per event id")
            .WithDescription("Valid events are accepted even when others in the batch are not; each rejected one is listed with its index, field and reason. A retried event is counted as a duplicate, never twice. 429 with Retry-After when the server is saturated.")
            .Produces<IngestionResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    /// <summary>403 for a key that is valid but may not do this (issue 16): which scope it needs, and where keys get scopes.</summary>
    public static IResult ScopeMissing(string scope) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The API key lacks a scope", type: "https://tokenconsole.example/problems/scope-missing",
            detail: $"This endpoint needs the scope {scope}. An administrator gives a key its scopes when creating it (Admin → API keys), or in ApiKeys:N:Scopes for a configured key.",
            extensions: new Dictionary<string, object?> { ["scope"] = scope });

    private static async Task<IResult> IngestAsync(HttpContext http, IApiKeyAuthenticator keys, IngestionService ingestion, IOptions<IngestionOptions> options)
    {
        var limits = options.Value;
        if (keys.Authenticate(http.Request.Headers[ApiKeyHeader]) is not { } key)
        {
            http.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required",
                detail: $"Send a valid, unrevoked ingestion key in the {ApiKeyHeader} header. Keys are created by an administrator in Admin → API keys.");
        }
        if (!key.Allows(ApiScopes.UsageWrite))
        {
            return ScopeMissing(ApiScopes.UsageWrite);
        }
        if (http.Request.ContentLength > limits.MaxBodyBytes)
        {
            return TooLarge(limits);
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            sizeLimit.MaxRequestBodySize = limits.MaxBodyBytes;
        }

        UsageBatchRequest? batch;
        try
        {
            batch = await JsonSerializer.DeserializeAsync(http.Request.Body, IngestionJsonContext.Default.UsageBatchRequest, http.RequestAborted);
        }
        catch (JsonException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The body is not valid JSON for a usage batch",
                detail: $"{ex.Message} Expected {{\"events\":[{{\"id\":…,\"timestamp\":…,\"customer\":…,\"package\":…,\"model\":…,\"region\":…,\"industry\":…,\"inputTokens\":…,\"outputTokens\":…}}]}}.");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limits);
        }
        if (batch?.Events is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No events",
                detail: "The body must be a JSON object with an \"events\" array.");
        }
        if (batch.Events.Count > limits.MaxEventsPerRequest)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many events in one request",
                detail: $"{batch.Events.Count} events sent; at most {limits.MaxEventsPerRequest} per request. Split the batch.");
        }

        var outcome = await ingestion.IngestAsync(batch.Events, http.RequestAborted);
        switch (outcome.Status)
        {
            case IngestionStatus.Saturated:
                http.Response.Headers.RetryAfter = "1";
                return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Ingestion is saturated",
                    detail: "The writer's queue is full. Retry the same batch after the Retry-After delay: duplicates are recognised.");
            case IngestionStatus.Failed:
                http.Response.Headers.RetryAfter = "5";
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The events could not be stored",
                    detail: "Nothing of this batch was stored. Retry it later; duplicates are recognised.");
            default:
                return Results.Json(outcome.Result, IngestionJsonContext.Default.IngestionResult);
        }
    }

    private static IResult TooLarge(IngestionOptions limits) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large",
            detail: $"At most {limits.MaxBodyBytes:N0} bytes and {limits.MaxEventsPerRequest} events per request.");
}
