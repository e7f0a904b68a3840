using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using ProblemDetails = Microsoft.AspNetCore.Mvc.ProblemDetails;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Text a service cannot store is refused where it enters, with a 400: PostgreSQL refuses a NUL character
/// in <c>text</c>, and UTF-8 cannot encode half of a surrogate pair, so either would otherwise surface as a
/// 500 at the first INSERT. The query string and URL-encoded forms are checked by a middleware (Kestrel itself refuses a NUL in the path), every string of a JSON
/// body by the JSON options' converters (free-form
/// <see cref="JsonElement"/> fields included).
/// </summary>
public static class StorableTextExtensions
{
    public static TBuilder AddStorableTextRule<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.Converters.Add(new StorableStringConverter());
            options.SerializerOptions.Converters.Add(new StorableJsonElementConverter());
        });
        return builder;
    }

    public static WebApplication UseStorableTextRule(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if ((FindUnstorableRequestText(context.Request) ?? await FindUnstorableFormTextAsync(context.Request)) is { } problem)
            {
                // Through the problem-details service, so a FHIR endpoint's writer answers with an OperationOutcome.
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                var written = await context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "The request is not valid.", Detail = problem },
                });
                if (!written)
                {
                    await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid.", detail: problem).ExecuteAsync(context);
                }
                return;
            }
            await next(context);
        });
        return app;
    }

    /// <summary>Why <paramref name="text"/> cannot be stored, or null when it can.</summary>
    public static string? FindProblem(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return "Text may not contain the NUL character (U+0000).";
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return "Text may not contain half of a surrogate pair: it is not valid Unicode.";
            }
        }
        return null;
    }

    private static string? FindUnstorableRequestText(HttpRequest request)
    {
        if (!request.QueryString.HasValue)
        {
            return null;
        }
        foreach (var (name, values) in request.Query)
        {
            if (FindProblem(name) is { } nameProblem)
            {
                return $"A query parameter's name is not valid: {nameProblem}";
            }
            foreach (var value in values)
            {
                if (value is not null && FindProblem(value) is { } valueProblem)
                {
                    return $"The query parameter '{name}' is not valid: {valueProblem}";
                }
            }
        }
        return null;
    }

    /// <summary>
    /// A URL-encoded form (the OAuth endpoints, the login page) is small and read whole by whoever handles it; it
    /// is read here first (ASP.NET keeps it for the handler). Multipart bodies are streams of files: not read here.
    /// </summary>
    private static async Task<string?> FindUnstorableFormTextAsync(HttpRequest request)
    {
        if (!request.HasFormContentType || request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
        {
            return null;
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        }
        catch (InvalidDataException tooLarge)
        {
            return $"The form is not valid: {tooLarge.Message}";
        }
        foreach (var (name, values) in form)
        {
            if (FindProblem(name) is { } nameProblem)
            {
                return $"A form field's name is not valid: {nameProblem}";
            }
            foreach (var value in values)
            {
                if (value is not null && FindProblem(value) is { } valueProblem)
                {
                    return $"The form field '{name}' is not valid: {valueProblem}";
                }
            }
        }
        return null;
    }

    /// <summary>Reads every JSON string through <see cref="FindProblem"/>; the framework answers the JsonException with a 400.</summary>
    private sealed class StorableStringConverter : JsonConverter<string>
    {
        public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var value = reader.GetString()!;
            return FindProblem(value) is { } problem ? throw new JsonException(problem) : value;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    /// <summary>Free-form JSON (a <see cref="JsonElement"/> field) is walked whole: every property name and string value must be storable.</summary>
    private sealed class StorableJsonElementConverter : JsonConverter<JsonElement>
    {
        public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var element = JsonElement.ParseValue(ref reader);
            return FindProblem(element) is { } problem ? throw new JsonException(problem) : element;
        }

        public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);

        private static string? FindProblem(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.String => StorableTextExtensions.FindProblem(element.GetString()!),
            JsonValueKind.Array => element.EnumerateArray().Select(FindProblem).FirstOrDefault(p => p is not null),
            JsonValueKind.Object => element.EnumerateObject()
                .Select(p => StorableTextExtensions.FindProblem(p.Name) ?? FindProblem(p.Value)).FirstOrDefault(p => p is not null),
            _ => null,
        };
    }
}
