using MedicalHub.AppHost;
using MedicalHub.AppHost.Kubernetes;
using MedicalHub.AppHost.LocalInfrastructure;

var builder = DistributedApplication.CreateBuilder(args);

// Postgres and Redis run as containers when a container runtime answers, else as local processes;
// publish mode always describes containers. Nothing to run them with: one message, no stack trace.
InfrastructureSettings infrastructure;
try
{
    infrastructure = InfrastructureSettings.Resolve(builder);
}
catch (DistributedApplicationException unavailable)
{
    Console.Error.WriteLine(unavailable.Message);
    return 1;
}

// A development mailbox (smtp4dev): every e-mail the platform sends in run mode lands there.
var mail = builder.AddMailSink(infrastructure);

// Each service with its own Postgres (server + database) and its own Redis, which it waits for.
// Each is also a client of Identity (client credentials) for its calls to the others.
var identity = builder.AddService<Projects.MedicalHub_Identity_Api>(infrastructure, "identity", postgresPort: 5433, redisPort: 6380)
    ?.WithTokenServer();
identity.WithServiceClient(identity);
var content = builder.AddService<Projects.MedicalHub_Content_Api>(infrastructure, "content", postgresPort: 5434, redisPort: 6381)
    .WithServiceClient(identity)
    // Every access to patient data is recorded in a chain signed with this service's own key.
    .WithAuditChainKey()
    // Document bytes in Content's database, or in an object store (MedicalHub:Content:Storage).
    .WithDocumentStorage(infrastructure);
var communication = builder.AddService<Projects.MedicalHub_Communication_Api>(infrastructure, "communication", postgresPort: 5435, redisPort: 6382)
    ?.WithMailSink(mail).WithServiceClient(identity)
    ?.WithNotificationSettings()
    // The providers a deployment declares (MedicalHub:Communication:Providers), their secrets as secret parameters.
    .WithDeliveryProviders()
    // Conversations: attachments and exports through Content, message access in an audit chain of its own.
    .WithConversations(content);
// MedicalHub:Communication:Replicas (run mode) starts more instances behind the gateway (the hub's Redis backplane joins them).
builder.AddCommunicationReplicas<Projects.MedicalHub_Communication_Api>(communication, identity, content, mail);
// Identity's outbox relay sends its e-mails through Communication (found by discovery, never waited for).
identity.WithAccountEmails(communication);
// Patient portal invitations check the patient's record with Content (found by discovery, never waited for).
identity.WithPatientRecords(content);
// Content's outbox relay notifies the recipients of shares through Communication (found by discovery, never waited for).
content.WithShareNotifications(communication);
// Workflow's pathways notify through Communication and call Content and Communication (found by discovery, never waited
// for); MedicalHub:Workflow:Replicas (run mode) starts more engines on the same database.
var workflow = builder.AddService<Projects.MedicalHub_Workflow_Api>(infrastructure, "workflow", postgresPort: 5436, redisPort: 6383)
    .WithServiceClient(identity)
    .WithPathwayTargets(content, communication)
    // The assistant's AI providers (MedicalHub:Assistant:Providers), their API keys as secret parameters.
    .WithAssistantProviders();
builder.AddWorkflowReplicas<Projects.MedicalHub_Workflow_Api>(workflow, identity, content, communication);
// Content's events (patient.created/updated/merged…) leave through its outbox for their subscribers.
content.WithEventSubscriber(workflow);

// The public entry in front of them, with its own Redis; tokens name its URL as issuer.
builder.AddGateway(infrastructure);

// `--operation publish --step publish-kubernetes --output-path DIR`: Kustomize manifests from this model (deploy/kubernetes).
builder.AddKubernetesPublishing();

await builder.Build().RunAsync();
// Non-zero when a publishing step refused its input (it printed why).
return Environment.ExitCode;
