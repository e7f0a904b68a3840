using System.Text.Json;
using MedicalHub.Identity.Api.Clients;
using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Security.Claims;

namespace MedicalHub.Identity.Tests.Clients;

/// <summary>
/// The permissions Identity ships with are all names its tokens carry: a service client's permission in neither
/// <see cref="PermissionNames.Catalogue"/> nor <see cref="PermissionNames.ServiceOnly"/> is silently left out of its
/// tokens (only a warning at start), and a built-in role can only grant what the catalogue lists.
/// </summary>
public sealed class ServiceClientConfigurationTests
{
    /// <summary>Identity's own appsettings.json, copied next to the tests by the project reference.</summary>
    private static Dictionary<string, ServiceClientSettings> ShippedServiceClients()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.json")));
        var section = ServiceClients.SectionName.Split(':').Aggregate(settings.RootElement, (element, name) => element.GetProperty(name));
        return section.Deserialize<Dictionary<string, ServiceClientSettings>>()!;
    }

    [Fact]
    public void Every_permission_configured_for_a_service_client_is_one_its_tokens_carry()
    {
        var clients = ShippedServiceClients();

        Assert.Contains("workflow", clients.Keys); // the file read is Identity's, with its service clients
        var unknown = clients.SelectMany(c => c.Value.Permissions.Select(p => $"{c.Key}: {p}"))
            .Where(p => p.Split(": ")[1] is var name && !PermissionNames.Catalogue.ContainsKey(name) && !PermissionNames.ServiceOnly.Contains(name));
        Assert.Empty(unknown);
    }

    [Fact]
    public void The_services_hold_what_their_calls_need()
    {
        var clients = ShippedServiceClients();

        // Content and Communication read a member's contact (share notifications, recipients by user id).
        Assert.Contains(PermissionNames.UsersReadContact, clients["content"].Permissions);
        Assert.Contains(PermissionNames.UsersReadContact, clients["communication"].Permissions);
        // Workflow's pathways share documents; Communication calls Workflow.
        Assert.Contains(PermissionNames.DocumentsShare, clients["workflow"].Permissions);
        Assert.Contains("workflow", clients["communication"].Audiences);
        // Every service and the gateway read the session revocations.
        Assert.All(clients.Where(c => c.Key != "identity"), c => Assert.Contains(PermissionNames.SessionsReadRevocations, c.Value.Permissions));
    }

    [Fact]
    public void Built_in_roles_grant_only_catalogue_permissions_and_the_administrator_all_of_them()
    {
        Assert.All(OrganizationRole.BuiltIn.All, role => Assert.All(role.Permissions, p => Assert.True(PermissionNames.Catalogue.ContainsKey(p), $"{role.Name}: {p}")));
        Assert.Equal(PermissionNames.Catalogue.Keys.Order(), OrganizationRole.BuiltIn.OrgAdmin.Permissions.Order());
        // Everyone who works with patients finds them, sees their tasks and can invite them to their portal accounts.
        Assert.All(OrganizationRole.BuiltIn.All.Where(r => r != OrganizationRole.BuiltIn.Patient), role =>
        {
            Assert.Contains(PermissionNames.PatientsRead, role.Permissions);
            Assert.Contains(PermissionNames.TasksRead, role.Permissions);
            Assert.Contains(PermissionNames.PatientsInvite, role.Permissions);
        });
        // A patient portal account's role grants nothing.
        Assert.Empty(OrganizationRole.BuiltIn.Patient.Permissions);
        Assert.Equal(RoleNames.Patient, OrganizationRole.BuiltIn.Patient.Name);
    }

    [Fact]
    public void Identity_checks_patient_records_with_Content_through_a_service_only_permission()
    {
        var clients = ShippedServiceClients();
        Assert.Contains("content", clients["identity"].Audiences);
        Assert.Contains(PermissionNames.PatientsCheck, clients["identity"].Permissions);
        Assert.Contains(PermissionNames.PatientsCheck, PermissionNames.ServiceOnly);
        Assert.False(PermissionNames.Catalogue.ContainsKey(PermissionNames.PatientsCheck), "No role may grant the patient check.");
    }
}
