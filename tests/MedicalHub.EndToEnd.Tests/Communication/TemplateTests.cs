using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using static MedicalHub.EndToEnd.Tests.Communication.CommunicationClient;

namespace MedicalHub.EndToEnd.Tests.Communication;

/// <summary>Templates: system defaults, per-organization overrides validated on save, localized variants, previews.</summary>
public sealed class TemplateTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly CommunicationClient _client = new(stack);
    private readonly MailSink _mail = new(stack);

    public void Dispose()
    {
        _client.Dispose();
        _mail.Dispose();
    }

    [Fact]
    public async Task A_broken_template_is_refused_at_save_with_the_line_and_the_reason()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        using var response = await _client.SendAsync(HttpMethod.Put, "/api/notification-templates/email.verify-address", admin.Token, new
        {
            subject = "Welcome",
            textBody = "Hello {{ givenName }},\nplease verify: {{ token | }}\nThanks",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").GetProperty("textBody")[0].GetString()!;
        Assert.StartsWith("Line 2, column", error, StringComparison.Ordinal);
        Assert.Contains("identifier was expected", error, StringComparison.Ordinal);

        // Nothing was saved: the system default still applies.
        using var current = await _client.SendAsync(HttpMethod.Get, "/api/notification-templates/email.verify-address", admin.Token);
        Assert.Equal("system", (await current.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("source").GetString());
    }

    [Fact]
    public async Task An_organization_s_override_is_used_for_its_notifications_only()
    {
        var owner = await _client.NewOrganizationAdminAsync();
        var other = await _client.NewOrganizationAdminAsync();
        using (var saved = await _client.SendAsync(HttpMethod.Put, "/api/notification-templates/email.verify-address", owner.Token, new
        {
            subject = "Welcome to our practice, {{ givenName }}",
            textBody = "Confirm here: {{ app.url }}/verify?t={{ token }}",
        }))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }

        var ownersRecipient = $"own.{Guid.NewGuid():N}@example.org";
        var othersRecipient = $"other.{Guid.NewGuid():N}@example.org";
        var data = new { givenName = "Ana", token = "abc", userId = Guid.NewGuid(), email = "x@example.org" };
        await _client.NotifyAsync(owner, new { recipient = new { email = ownersRecipient }, category = "account-security", template = "email.verify-address", data });
        await _client.NotifyAsync(other, new { recipient = new { email = othersRecipient }, category = "account-security", template = "email.verify-address", data });

        Assert.Equal("Welcome to our practice, Ana", Assert.Single(await _mail.MessagesToAsync(ownersRecipient)).GetProperty("subject").GetString());
        Assert.Equal("Verify your e-mail address", Assert.Single(await _mail.MessagesToAsync(othersRecipient)).GetProperty("subject").GetString());

        // The other organization neither sees nor can delete the override.
        using (var list = await _client.SendAsync(HttpMethod.Get, "/api/notification-templates", other.Token))
        {
            var templates = await list.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.DoesNotContain(templates.EnumerateArray(), t => t.GetProperty("source").GetString() == "organization");
        }
        using (var delete = await _client.SendAsync(HttpMethod.Delete, "/api/notification-templates/email.verify-address", other.Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        }
        using (var get = await _client.SendAsync(HttpMethod.Get, "/api/notification-templates/email.verify-address", owner.Token))
        {
            Assert.Equal("organization", (await get.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("source").GetString());
        }
    }

    [Fact]
    public async Task The_variant_follows_the_recipient_s_locale_with_fallback_to_the_language_and_then_the_default()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        var belgian = $"be.{Guid.NewGuid():N}@example.org";
        var german = $"de.{Guid.NewGuid():N}@example.org";
        var data = new { givenName = "Luc", token = "t", userId = Guid.NewGuid(), email = "luc@example.org" };

        var frId = await _client.NotifyAsync(admin, new { recipient = new { email = belgian, locale = "fr-BE" }, category = "account-security", template = "email.verify-address", data });
        await _client.NotifyAsync(admin, new { recipient = new { email = german, locale = "de" }, category = "account-security", template = "email.verify-address", data });

        Assert.Equal("Confirmez votre adresse e-mail", Assert.Single(await _mail.MessagesToAsync(belgian)).GetProperty("subject").GetString());
        Assert.Equal("Verify your e-mail address", Assert.Single(await _mail.MessagesToAsync(german)).GetProperty("subject").GetString());
        Assert.Equal("fr", (await _client.GetAsync(admin, frId)).GetProperty("locale").GetString());

        // An organization's own French variant then wins over the system's.
        using (var saved = await _client.SendAsync(HttpMethod.Put, "/api/notification-templates/email.verify-address", admin.Token,
            new { locale = "fr", subject = "Bienvenue au cabinet", textBody = "Lien : {{ token }}" }))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }
        using var resolved = await _client.SendAsync(HttpMethod.Get, "/api/notification-templates/email.verify-address?locale=fr-BE", admin.Token);
        var variant = await resolved.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("organization", variant.GetProperty("source").GetString());
        Assert.Equal("fr", variant.GetProperty("locale").GetString());
    }

    [Fact]
    public async Task Preview_renders_a_saved_template_with_sample_data_and_a_draft_with_given_data()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        using (var saved = await _client.SendAsync(HttpMethod.Post, "/api/notification-templates/preview", admin.Token, new { key = "email.reset-password" }))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            var preview = await saved.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("Reset your MedicalHub password", preview.GetProperty("subject").GetString());
            Assert.Contains("Hello Alex", preview.GetProperty("textBody").GetString(), StringComparison.Ordinal);
            Assert.Contains("token=sample-token", preview.GetProperty("htmlBody").GetString(), StringComparison.Ordinal);
        }

        using (var draft = await _client.SendAsync(HttpMethod.Post, "/api/notification-templates/preview", admin.Token, new
        {
            subject = "Hi {{ name | upcase }}",
            textBody = "{% for d in documents %}- {{ d }}\n{% endfor %}",
            htmlBody = "<b>{{ name }}</b>",
            data = new { name = "<Zoé>", documents = new List<string> { "scan.pdf", "letter.pdf" } },
        }))
        {
            Assert.Equal(HttpStatusCode.OK, draft.StatusCode);
            var preview = await draft.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("Hi <ZOÉ>", preview.GetProperty("subject").GetString());
            Assert.Equal("- scan.pdf\n- letter.pdf\n", preview.GetProperty("textBody").GetString());
            Assert.Equal("<b>&lt;Zo&#xE9;&gt;</b>", preview.GetProperty("htmlBody").GetString());
        }

        using var broken = await _client.SendAsync(HttpMethod.Post, "/api/notification-templates/preview", admin.Token, new { textBody = "{% if x %}never closed" });
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
    }

    [Fact]
    public async Task Text_with_a_nul_character_is_a_400_problem_wherever_it_is_in_the_request()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        // PostgreSQL refuses \0 in text: before the service defaults refused it at the edge, the key lookup answered 500.
        object[] bodies =
        [
            new { key = "email.reset\0password" },
            new { textBody = "Hello {{ name }}", data = new { name = "a\0b" } },
            new { textBody = "Hello", data = new Dictionary<string, int> { ["a\0"] = 1 } },
        ];
        foreach (var body in bodies)
        {
            using var preview = await _client.SendAsync(HttpMethod.Post, "/api/notification-templates/preview", admin.Token, body);
            Assert.Equal(HttpStatusCode.BadRequest, preview.StatusCode);
            Assert.Equal("application/problem+json", preview.Content.Headers.ContentType?.MediaType);
        }
        using var saved = await _client.SendAsync(HttpMethod.Put, "/api/notification-templates/email.invitation", admin.Token, new { textBody = "Hi\0" });
        Assert.Equal(HttpStatusCode.BadRequest, saved.StatusCode);
        using var query = await _client.SendAsync(HttpMethod.Get, "/api/notification-templates/email.verify-address?locale=f%00r", admin.Token);
        Assert.Equal(HttpStatusCode.BadRequest, query.StatusCode);
    }

    [Fact]
    public async Task Managing_templates_needs_notifications_manage()
    {
        var admin = await _client.NewOrganizationAdminAsync();
        var nurse = await _client.MemberAsync(admin, IdentityClient.NurseRole);
        using var response = await _client.SendAsync(HttpMethod.Put, "/api/notification-templates/email.invitation", nurse.Token, new { textBody = "Hello" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
