using MedicalHub.Data;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Clients;
using MedicalHub.Identity.Api.Emails;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Identity.Api.Mfa;
using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Identity.Api.PatientPortal;
using MedicalHub.Identity.Api.Sessions;
using MedicalHub.Identity.Api.SignIn;
using MedicalHub.Identity.Api.Throttling;
using MedicalHub.Identity.Api.Tokens;

namespace MedicalHub.Identity.Api.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>Connection names as the AppHost declares them: the service's own database and Redis.</summary>
    public const string DatabaseName = "identitydb";
    public const string RedisName = "identity-redis";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDataStores<IdentityServiceDbContext>(DatabaseName, RedisName);
        builder.AddTokenServer();
        builder.AddSecondFactor(); // after the user store, whose plain EF store it replaces
        builder.AddClientCredentials();
        builder.Services.AddServiceTokenBoundaries();
        builder.AddLoginPage();
        builder.AddRequestThrottling();
        builder.Services.AddValidation();
        builder.AddAccountEmails();
        builder.AddPatientPortal();
        return builder;
    }

    public static WebApplication MapIdentityApis(this WebApplication app)
    {
        app.UseAntiforgery(); // the login page's forms; after authentication, which WebApplication adds first
        app.MapTokenApi();
        app.MapAuthorizationApi();
        app.MapLoginApi();
        app.MapRegistrationApi();
        app.MapAccountApi();
        app.MapMfaApi();
        app.MapAuditApi();
        app.MapPasswordApi();
        app.MapSessionsApi();
        app.MapOrganizationApi();
        app.MapInvitationsApi();
        app.MapPatientInvitationsApi();
        app.MapRolesApi();
        app.MapOrganizationPolicyApi();
        app.MapApiClientsApi();
        app.MapSessionRevocationsApi();
        app.MapMemberContactApi();
        app.MapRoleMembersApi();
        return app;
    }
}
