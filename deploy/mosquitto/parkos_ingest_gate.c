/*
 * ParkOS ingest gate: a Mosquitto 2.0 plugin (plugin API version 5).
 *
 * Why: Mosquitto 2.0 does not write shared subscriptions to its persistence file. After a
 * restart the ingest workers' sessions come back with their queued messages but without
 * their $share subscriptions, and until a worker has connected and subscribed again the
 * broker answers every device message "no matching subscribers" and drops it. Firmware
 * that takes that answer as delivered loses the reading.
 *
 * What: after the broker starts, the gate keeps devices out until every one of the ingest
 * subscriptions has been made by an ingest login. A device turned away has its connection
 * closed without an answer, which MQTT clients treat as a network failure: they keep
 * their readings and connect again. Once open, the gate stays open for the life of the
 * process: the broker keeps a session's subscriptions while its worker is away (up to
 * persistent_client_expiration) and queues for it.
 *
 * Options, both required (comma-separated lists):
 *   plugin_opt_ingest_logins         logins of the ingest workers (and ParkOS's admin),
 *                                    always let in; only their subscriptions count
 *   plugin_opt_ingest_subscriptions  the topic filters the workers subscribe to, exactly
 *                                    as they send them
 * Load it before the dynamic-security plugin: the broker asks plugins in the order they
 * are configured, and the gate answers "no opinion" to everything it lets through.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#define GATE_MAX_ITEMS 16

struct gate {
	mosquitto_plugin_id_t *identifier;
	char *logins[GATE_MAX_ITEMS];
	int login_count;
	char *subscriptions[GATE_MAX_ITEMS];
	bool subscribed[GATE_MAX_ITEMS];
	int subscription_count;
	bool open;
	unsigned long turned_away;
};

static struct gate gate;

static int split_list(const char *value, char **items, int *count)
{
	char *copy = strdup(value);
	char *saveptr = NULL;
	char *item;

	if(copy == NULL){
		return MOSQ_ERR_NOMEM;
	}
	for(item = strtok_r(copy, ",", &saveptr); item; item = strtok_r(NULL, ",", &saveptr)){
		while(*item == ' '){
			item++;
		}
		if(*item == '\0'){
			continue;
		}
		if(*count == GATE_MAX_ITEMS){
			free(copy);
			return MOSQ_ERR_INVAL;
		}
		items[*count] = strdup(item);
		if(items[*count] == NULL){
			free(copy);
			return MOSQ_ERR_NOMEM;
		}
		(*count)++;
	}
	free(copy);
	return MOSQ_ERR_SUCCESS;
}

static bool is_ingest_login(const char *username)
{
	if(username == NULL){
		return false;
	}
	for(int i = 0; i < gate.login_count; i++){
		if(strcmp(username, gate.logins[i]) == 0){
			return true;
		}
	}
	return false;
}

static int on_basic_auth(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_basic_auth *auth = event_data;
	(void)event;
	(void)userdata;

	if(gate.open || is_ingest_login(auth->username)){
		return MOSQ_ERR_PLUGIN_DEFER;
	}
	if(gate.turned_away++ == 0){
		mosquitto_log_printf(MOSQ_LOG_WARNING,
				"parkos-ingest-gate: no ingest worker has subscribed since the broker "
				"started; devices are turned away until one does");
	}
	/* Neither success nor MOSQ_ERR_AUTH: the broker then closes the connection without a
	 * CONNACK, so the device retries instead of concluding that its credential is bad. */
	return MOSQ_ERR_CONN_REFUSED;
}

static int on_acl_check(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_acl_check *check = event_data;
	bool all = true;
	(void)event;
	(void)userdata;

	if(gate.open || check->access != MOSQ_ACL_SUBSCRIBE || check->topic == NULL){
		return MOSQ_ERR_PLUGIN_DEFER;
	}
	if(!is_ingest_login(mosquitto_client_username(check->client))){
		return MOSQ_ERR_PLUGIN_DEFER;
	}
	for(int i = 0; i < gate.subscription_count; i++){
		if(strcmp(check->topic, gate.subscriptions[i]) == 0){
			gate.subscribed[i] = true;
		}
		all = all && gate.subscribed[i];
	}
	if(all){
		gate.open = true;
		mosquitto_log_printf(MOSQ_LOG_NOTICE,
				"parkos-ingest-gate: ingest subscriptions in place; devices are let in "
				"(%lu connection attempts were turned away)", gate.turned_away);
	}
	return MOSQ_ERR_PLUGIN_DEFER;
}

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions)
{
	for(int i = 0; i < supported_version_count; i++){
		if(supported_versions[i] == 5){
			return 5;
		}
	}
	return -1;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata,
		struct mosquitto_opt *options, int option_count)
{
	int rc = MOSQ_ERR_SUCCESS;

	memset(&gate, 0, sizeof(gate));
	gate.identifier = identifier;
	*userdata = &gate;
	for(int i = 0; i < option_count && rc == MOSQ_ERR_SUCCESS; i++){
		if(strcmp(options[i].key, "ingest_logins") == 0){
			rc = split_list(options[i].value, gate.logins, &gate.login_count);
		}else if(strcmp(options[i].key, "ingest_subscriptions") == 0){
			rc = split_list(options[i].value, gate.subscriptions, &gate.subscription_count);
		}
	}
	if(rc != MOSQ_ERR_SUCCESS || gate.login_count == 0 || gate.subscription_count == 0){
		mosquitto_log_printf(MOSQ_LOG_ERR,
				"parkos-ingest-gate: plugin_opt_ingest_logins and "
				"plugin_opt_ingest_subscriptions must each list 1 to %d items",
				GATE_MAX_ITEMS);
		return MOSQ_ERR_INVAL;
	}
	rc = mosquitto_callback_register(identifier, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL, NULL);
	if(rc == MOSQ_ERR_SUCCESS){
		rc = mosquitto_callback_register(identifier, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL, NULL);
	}
	return rc;
}

int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *options, int option_count)
{
	(void)userdata;
	(void)options;
	(void)option_count;

	mosquitto_callback_unregister(gate.identifier, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL);
	mosquitto_callback_unregister(gate.identifier, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL);
	for(int i = 0; i < gate.login_count; i++){
		free(gate.logins[i]);
	}
	for(int i = 0; i < gate.subscription_count; i++){
		free(gate.subscriptions[i]);
	}
	memset(&gate, 0, sizeof(gate));
	return MOSQ_ERR_SUCCESS;
}
