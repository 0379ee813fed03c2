//! The OpenAPI 3.1 description served at `/openapi.json`, written by hand: the API
//! is small, and a hand-written document says exactly what the handlers do.

use serde_json::{json, Value};

fn problem_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    })
}

/// `T`, or null: optional request fields may be sent as `null` (the same as absent).
fn nullable(mut schema: Value) -> Value {
    if let Some(t) = schema
        .get("type")
        .and_then(Value::as_str)
        .map(str::to_string)
    {
        schema["type"] = json!([t, "null"]);
    }
    if let Some(e) = schema.get_mut("enum").and_then(Value::as_array_mut) {
        e.push(Value::Null);
    }
    schema
}

/// The formats this build writes.
fn formats() -> Vec<&'static str> {
    let mut f = vec!["mp3", "wav"];
    if cfg!(feature = "opus") {
        f.push("opus");
    }
    f
}

/// The document, with the engines and voices this server can run (what a create
/// with that `engine` or `voice` alone resolves to), so every request the schema
/// allows is one the server takes.
pub fn document(runnable: &super::Runnable) -> Value {
    let engines = &runnable.engines;
    let voices = runnable.voice_ids();
    // A voice is for one engine: when both are named they must agree.
    let voice_for_engine: Vec<Value> = engines
        .iter()
        .map(|e| {
            let mut of: Vec<Value> = runnable
                .voices
                .iter()
                .filter(|(_, ve)| ve == e)
                .map(|(v, _)| json!(v))
                .collect();
            of.push(Value::Null);
            json!({
                "if": {"properties": {"engine": {"const": e}}, "required": ["engine"]},
                "then": {"properties": {"voice": {"enum": of}}}
            })
        })
        .collect();
    let narration_ref = json!({"$ref": "#/components/schemas/Narration"});
    let narration_json = json!({"application/json": {"schema": narration_ref}});
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "narrator",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Narrated audio for news articles: post an article, poll (or get a \
                signed callback), fetch the audio, transcript and chapters."
        },
        "security": [{"bearer": []}],
        "paths": {
            "/v1/narrations": {
                "post": {
                    "operationId": "createNarration",
                    "summary": "Narrate an article (or find its unchanged narration)",
                    "parameters": [{
                        "name": "Idempotency-Key", "in": "header", "required": false,
                        "schema": {"type": "string"}
                    }],
                    "requestBody": {"required": true, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/CreateNarration"}}}},
                    "responses": {
                        "200": {"description": "The unchanged article's existing narration", "content": narration_json},
                        "202": {"description": "Queued", "content": narration_json},
                        "400": problem_response("The body is not JSON"),
                        "401": problem_response("No or a bad token"),
                        "409": problem_response("Idempotency-Key reused with another body"),
                        "413": problem_response("Body too large"),
                        "422": problem_response("A field is wrong (named in `field`)"),
                        "429": problem_response("Rate limited (see Retry-After)")
                    }
                },
                "get": {
                    "operationId": "listNarrations",
                    "summary": "List narrations, newest first",
                    "parameters": [
                        {"name": "status", "in": "query", "schema": {"$ref": "#/components/schemas/Status"}},
                        {"name": "external_id", "in": "query", "schema": {"type": "string"}},
                        {"name": "cursor", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]{1,18}$",
                            "description": "The `next` of the previous page"}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}
                    ],
                    "responses": {
                        "200": {"description": "A page", "content": {"application/json": {"schema": {
                            "type": "object", "required": ["items", "next"],
                            "properties": {
                                "items": {"type": "array", "items": narration_ref},
                                "next": {"type": ["string", "null"]}
                            }
                        }}}},
                        "401": problem_response("No or a bad token"),
                        "422": problem_response("A bad filter"),
                        "429": problem_response("Rate limited")
                    }
                }
            },
            "/v1/narrations/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "get": {
                    "operationId": "getNarration",
                    "responses": {
                        "200": {"description": "The narration", "content": narration_json},
                        "401": problem_response("No or a bad token"),
                        "404": problem_response("No such narration (or it was deleted)"),
                        "429": problem_response("Rate limited")
                    }
                },
                "delete": {
                    "operationId": "deleteNarration",
                    "summary": "Cancel it, remove its audio and its feed item",
                    "responses": {
                        "204": {"description": "Deleted (or already deleted)"},
                        "401": problem_response("No or a bad token"),
                        "404": problem_response("No such narration"),
                        "429": problem_response("Rate limited")
                    }
                }
            },
            "/v1/hooks/ghost": {
                "post": {
                    "operationId": "ghostHook",
                    "summary": "Ghost's post webhooks (signed with X-Ghost-Signature)",
                    "security": [],
                    "parameters": [
                        {"name": "X-Ghost-Signature", "in": "header", "required": true, "schema": {"type": "string"}},
                        {"name": "event", "in": "query", "schema": {"type": "string", "enum": [
                            "post.published", "post.published.edited", "post.unpublished", "post.deleted"]}}
                    ],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}},
                    "responses": {
                        "200": {"description": "Done, found unchanged, removed or ignored"},
                        "202": {"description": "Queued", "content": narration_json},
                        "401": problem_response("Bad or stale signature"),
                        "403": problem_response("Ghost hooks are not configured"),
                        "413": problem_response("Body too large"),
                        "422": problem_response("Not a Ghost post body, or a bad event")
                    }
                }
            },
            "/v1/hooks/standard": {
                "post": {
                    "operationId": "standardHook",
                    "summary": "The body of createNarration, signed the Standard Webhooks way \
                        (HMAC-SHA256 of \"id.timestamp.body\" under the --hook-secret); a \
                        webhook-id seen before answers 200 with the narration it made",
                    "security": [],
                    "parameters": [
                        {"name": "webhook-id", "in": "header", "required": true, "schema": {"type": "string"}},
                        {"name": "webhook-timestamp", "in": "header", "required": true, "schema": {"type": "string"}},
                        {"name": "webhook-signature", "in": "header", "required": true, "schema": {"type": "string"}}
                    ],
                    "requestBody": {"required": true, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/CreateNarration"}}}},
                    "responses": {
                        "200": {"description": "A redelivered message, or the unchanged article's narration", "content": narration_json},
                        "202": {"description": "Queued", "content": narration_json},
                        "400": problem_response("The body is not JSON"),
                        "401": problem_response("A missing, bad or stale signature"),
                        "403": problem_response("Standard-Webhooks hooks are not configured"),
                        "409": problem_response("The same message is being processed"),
                        "413": problem_response("Body too large"),
                        "422": problem_response("A field is wrong (named in `field`)")
                    }
                }
            },
            "/media/{file}": {
                "get": {
                    "operationId": "getMedia",
                    "security": [],
                    "parameters": [
                        {"name": "file", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "Range", "in": "header", "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {"description": "The file"},
                        "206": {"description": "The requested byte range"},
                        "304": {"description": "Not modified (If-None-Match)"},
                        "404": problem_response("No such file"),
                        "416": problem_response("Range not satisfiable")
                    }
                }
            },
            "/feed.xml": {"get": {"operationId": "getFeed", "security": [],
                "responses": {"200": {"description": "The podcast feed (RSS 2.0)",
                    "content": {"application/rss+xml": {}}}}}},
            "/healthz": {"get": {"operationId": "health", "security": [],
                "responses": {"200": {"description": "Up"}, "503": {"description": "The database is not answering"}}}},
            "/metrics": {"get": {"operationId": "metrics", "security": [],
                "responses": {"200": {"description": "Prometheus text", "content": {"text/plain": {}}}}}},
            "/openapi.json": {"get": {"operationId": "openapi", "security": [],
                "responses": {"200": {"description": "This document"}}}}
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Status": {"type": "string", "enum": ["queued", "running", "done", "failed", "canceled"]},
                "CreateNarration": {
                    "type": "object",
                    "required": ["source", "external_id"],
                    "additionalProperties": false,
                    "allOf": voice_for_engine,
                    "properties": {
                        "source": {
                            "type": "object", "additionalProperties": false,
                            "minProperties": 1, "maxProperties": 1,
                            "properties": {
                                "url": {"type": "string", "format": "uri", "pattern": "^https?://"},
                                "html": {"type": "string", "minLength": 1},
                                "text": {"type": "string", "minLength": 1},
                                "markdown": {"type": "string", "minLength": 1}
                            }
                        },
                        "external_id": {"type": "string", "minLength": 1, "pattern": "\\S"},
                        "title": nullable(json!({"type": "string"})),
                        "author": nullable(json!({"type": "string"})),
                        "published_at": nullable(json!({"type": "string"})),
                        "voice": nullable(json!({"type": "string", "enum": voices})),
                        "engine": nullable(json!({"type": "string", "enum": engines})),
                        "format": nullable(json!({"type": "string", "enum": formats()})),
                        "callback_url": nullable(json!({"type": "string", "format": "uri", "pattern": "^https?://"})),
                        "link": nullable(json!({"type": "string", "format": "uri", "pattern": "^https?://",
                            "description": "The article's page: the feed item's link"})),
                        "metadata": {},
                        "public": {"type": "boolean", "default": true}
                    }
                },
                "Narration": {
                    "type": "object",
                    "required": ["id", "external_id", "status", "progress", "links"],
                    "properties": {
                        "id": {"type": "string"},
                        "external_id": {"type": "string"},
                        "revision": {"type": "integer"},
                        "status": {"$ref": "#/components/schemas/Status"},
                        "progress": {"type": "object", "properties": {
                            "segments_done": {"type": "integer"},
                            "segments_total": {"type": ["integer", "null"]}
                        }},
                        "title": {"type": ["string", "null"]},
                        "link": {"type": ["string", "null"]},
                        "audio_url": {"type": ["string", "null"]},
                        "transcript_url": {"type": ["string", "null"], "description": "WebVTT"},
                        "timing_url": {"type": ["string", "null"], "description": "JSON timing map"},
                        "transcript_json_url": {"type": ["string", "null"]},
                        "chapters_url": {"type": ["string", "null"]},
                        "duration_s": {"type": ["number", "null"]},
                        "bytes": {"type": ["integer", "null"]},
                        "error": {"type": ["string", "null"]},
                        "public": {"type": "boolean"},
                        "deleted": {"type": "boolean"},
                        "metadata": {},
                        "created_at": {"type": "integer"},
                        "updated_at": {"type": "integer"},
                        "links": {"type": "object", "properties": {"self": {"type": "string"}}}
                    }
                },
                "Problem": {
                    "type": "object",
                    "required": ["type", "title", "status"],
                    "properties": {
                        "type": {"type": "string", "format": "uri"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "field": {"type": "string"},
                        "errors": {"type": "array", "items": {"type": "object"}}
                    }
                }
            }
        }
    });
    // The player describes its own routes (src/server/player.rs).
    super::player::describe(&mut doc);
    doc
}
