using System.Text.Json;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Communication.Api.Model;
using MedicalHub.Communication.Api.Notifications;
using MedicalHub.Communication.Api.Templates;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Communication.Api.Apis;

/// <summary>
/// The organization's templates: the system defaults, its own overrides per locale (validated as Liquid when saved), and a
/// preview that renders any variant or draft with sample data. Overrides are scoped to the token's organization.
/// </summary>
public static class TemplatesApi
{
    public static IEndpointRouteBuilder MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        var templates = app.MapGroup("/api/notification-templates").WithTags("Templates").RequirePermission(PermissionNames.NotificationsManage);
        templates.MapGet("/", ListAsync).WithName("ListTemplates").WithSummary("The system defaults and the organization's own variants");
        templates.MapGet("/{key}", GetAsync).WithName("GetTemplate").WithSummary("The variant a recipient with the given locale gets");
        templates.MapPut("/{key}", SaveAsync).WithName("SaveTemplate").WithSummary("Create or replace the organization's variant of a template for a locale");
        templates.MapDelete("/{key}", DeleteAsync).WithName("DeleteTemplate").WithSummary("Remove the organization's variant (the default applies again)");
        templates.MapPost("/preview", PreviewAsync).WithName("PreviewTemplate").WithSummary("Render a template or a draft with sample data");
        return app;
    }

    public sealed record TemplateView(string Key, string Locale, string? Subject, string TextBody, string? HtmlBody, string Source);

    /// <param name="Locale">Empty or absent for the variant used when no locale matches.</param>
    public sealed record TemplateChange(string? Locale, string? Subject, string? TextBody, string? HtmlBody);

    /// <summary>Either a saved template (<see cref="Key"/>, <see cref="Locale"/>) or a draft (the sources); <see cref="Data"/> defaults to sample data.</summary>
    public sealed record PreviewRequest(string? Key, string? Locale, string? Subject, string? TextBody, string? HtmlBody, JsonElement? Data);

    public sealed record PreviewView(string? Subject, string TextBody, string? HtmlBody, string Locale);

    private static readonly Dictionary<string, object?> SampleData = new(StringComparer.Ordinal)
    {
        ["userId"] = "00000000-0000-0000-0000-000000000001",
        ["email"] = "alex.martin@example.org",
        ["givenName"] = "Alex",
        ["familyName"] = "Martin",
        ["token"] = "sample-token",
        ["organizationName"] = "Demo Practice",
        ["inviterName"] = "Dr. Gregory House",
        ["invitationId"] = "00000000-0000-0000-0000-000000000002",
    };

    private static TemplateView View(TemplateContent t) => new(t.Key, t.Locale, t.Subject, t.TextBody, t.HtmlBody, t.Source);

    private static async Task<Ok<TemplateView[]>> ListAsync(CurrentCaller caller, CommunicationDbContext db, SystemTemplates system, CancellationToken ct)
    {
        var own = await db.Templates.AsNoTracking().Where(t => t.OrganizationId == caller.OrganizationId).OrderBy(t => t.Key).ThenBy(t => t.Locale).ToListAsync(ct);
        return TypedResults.Ok(own.Select(t => new TemplateView(t.Key, t.Locale, t.Subject, t.TextBody, t.HtmlBody, "organization"))
            .Concat(system.All.Select(View))
            .ToArray());
    }

    private static async Task<Results<Ok<TemplateView>, NotFound>> GetAsync(string key, CurrentCaller caller, TemplateResolver resolver, CancellationToken ct, string? locale = null)
    {
        var template = await resolver.ResolveAsync(caller.OrganizationId ?? Guid.Empty, key, locale, ct);
        return template is null ? TypedResults.NotFound() : TypedResults.Ok(View(template));
    }

    private static async Task<Results<Ok<TemplateView>, ValidationProblem>> SaveAsync(string key, TemplateChange change, CurrentCaller caller,
        CommunicationDbContext db, LiquidTemplates liquid, OrganizationTemplateCache cache, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!NotificationIntake.TemplateKey().IsMatch(key))
        {
            errors["key"] = ["A template key is lower-case letters, digits, dots and dashes (e.g. email.verify-address)."];
        }
        var locale = "";
        if (!string.IsNullOrWhiteSpace(change.Locale))
        {
            locale = Locales.Normalize(change.Locale) ?? "";
            if (locale.Length == 0)
            {
                errors["locale"] = ["Not a known locale (BCP 47, e.g. fr-BE)."];
            }
        }
        if (string.IsNullOrWhiteSpace(change.TextBody))
        {
            errors["textBody"] = ["A template has a text body."];
        }
        if (change.Subject is { Length: > 1000 })
        {
            errors["subject"] = ["At most 1000 characters."];
        }
        // Refused now, with the line and the reason, rather than found broken when a notification is sent.
        foreach (var (field, source) in new[] { ("subject", change.Subject), ("textBody", change.TextBody), ("htmlBody", change.HtmlBody) })
        {
            if (source is not null && liquid.Validate(source) is { } error)
            {
                errors[field] = [error];
            }
        }
        if (errors.Count > 0 || caller.OrganizationId is not { } organizationId)
        {
            return TypedResults.ValidationProblem(errors.Count > 0 ? errors : new() { ["organizationId"] = ["The token names no organization."] });
        }

        var template = await db.Templates.SingleOrDefaultAsync(t => t.OrganizationId == organizationId && t.Key == key && t.Locale == locale, ct);
        if (template is null)
        {
            template = new MessageTemplate { OrganizationId = organizationId, Key = key, Locale = locale, TextBody = change.TextBody! };
            db.Templates.Add(template);
        }
        template.Subject = change.Subject;
        template.TextBody = change.TextBody!;
        template.HtmlBody = change.HtmlBody;
        template.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        cache.Forget(organizationId, key);
        return TypedResults.Ok(new TemplateView(template.Key, template.Locale, template.Subject, template.TextBody, template.HtmlBody, "organization"));
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(string key, CurrentCaller caller, CommunicationDbContext db, OrganizationTemplateCache cache,
        CancellationToken ct, string? locale = null)
    {
        var normalized = Locales.Normalize(locale) ?? "";
        var deleted = await db.Templates.Where(t => t.OrganizationId == caller.OrganizationId && t.Key == key && t.Locale == normalized).ExecuteDeleteAsync(ct);
        if (caller.OrganizationId is { } organizationId)
        {
            cache.Forget(organizationId, key);
        }
        return deleted == 0 ? TypedResults.NotFound() : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<PreviewView>, ValidationProblem, NotFound, ProblemHttpResult>> PreviewAsync(PreviewRequest request, CurrentCaller caller,
        TemplateResolver resolver, TemplateRenderer renderer, LiquidTemplates liquid, CancellationToken ct)
    {
        TemplateContent? template;
        if (request.Key is { } key)
        {
            template = await resolver.ResolveAsync(caller.OrganizationId ?? Guid.Empty, key, request.Locale, ct);
            if (template is null)
            {
                return TypedResults.NotFound();
            }
        }
        else
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            if (string.IsNullOrWhiteSpace(request.TextBody))
            {
                errors["textBody"] = ["Give a saved template's key, or a draft with a text body."];
            }
            foreach (var (field, source) in new[] { ("subject", request.Subject), ("textBody", request.TextBody), ("htmlBody", request.HtmlBody) })
            {
                if (source is not null && liquid.Validate(source) is { } error)
                {
                    errors[field] = [error];
                }
            }
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }
            template = new TemplateContent("draft", Locales.Normalize(request.Locale) ?? "", request.Subject, request.TextBody!, request.HtmlBody, "draft");
        }

        var data = request.Data is { ValueKind: JsonValueKind.Object } d ? (Dictionary<string, object?>)LiquidTemplates.FromJson(d)! : SampleData;
        try
        {
            var rendered = await renderer.RenderAsync(template, data, unsubscribeUrl: "https://example.org/unsubscribe?sample");
            return TypedResults.Ok(new PreviewView(rendered.Subject, rendered.TextBody, rendered.HtmlBody, rendered.Locale));
        }
        catch (Exception ex) when (ex is TemplateException or InvalidOperationException or ArgumentException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The template cannot be rendered.", detail: ex.Message);
        }
    }
}
