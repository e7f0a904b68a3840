using MedicalHub.Communication.Api.Routing;
using Microsoft.Extensions.Options;

namespace MedicalHub.Communication.Api.Templates;

/// <summary>Renders a template variant with a notification's data plus what every template may use (<c>app.url</c>, <c>unsubscribe_url</c>).</summary>
public sealed class TemplateRenderer(LiquidTemplates liquid, IOptions<CommunicationSettings> settings)
{
    public async Task<RenderedContent> RenderAsync(TemplateContent template, IReadOnlyDictionary<string, object?> data, string? unsubscribeUrl = null)
    {
        var model = new Dictionary<string, object?>(data, StringComparer.Ordinal)
        {
            ["app"] = new Dictionary<string, object?> { ["url"] = settings.Value.AppUrl.ToString().TrimEnd('/') },
            ["unsubscribe_url"] = unsubscribeUrl,
        };
        var subject = template.Subject is null ? null : (await liquid.RenderAsync(template.Subject, model, html: false)).Trim();
        var text = await liquid.RenderAsync(template.TextBody, model, html: false);
        var html = template.HtmlBody is null ? null : await liquid.RenderAsync(template.HtmlBody, model, html: true);
        return new RenderedContent(subject, text, html, template.Locale);
    }
}
