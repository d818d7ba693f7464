//! `herald lsp`: a language server for scenario files, on `lsp-server` (the synchronous
//! scaffold of rust-analyzer) and `lsp-types`. Diagnostics on open and on every change
//! (every error and warning `herald check` gives), hover, definition, references, document
//! symbols, folding, formatting (`herald fmt`), completion, and code lenses that run,
//! explore and draw the scenario (`herald run`, `herald explore`, `herald run --format
//! mermaid`, through [`crate::cli::run_args`] with the document in memory, so the result is
//! the command line's).
//!
//! Documents are synchronised whole (each change sends the full text), analysed at once,
//! within the command line's limits (1 MiB, bracket nesting, expression depth); a request
//! that panicked would answer an error instead of ending the server.

pub mod analysis;
pub mod completion;
pub mod features;
pub mod index;
pub mod keywords;
pub mod text;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeLensRequest, Completion, DocumentSymbolRequest, ExecuteCommand, FoldingRangeRequest, Formatting,
    GotoDefinition, HoverRequest, References, Request as _,
};
use lsp_types::{
    CodeLensOptions, CompletionOptions, CompletionResponse, DocumentSymbolResponse, ExecuteCommandOptions,
    GotoDefinitionResponse, HoverProviderCapability, Location, OneOf, PublishDiagnosticsParams, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};
use serde_json::Value;

use analysis::Analysis;

/// What the server announces it can do.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(lsp_types::FoldingRangeProviderCapability::Simple(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".to_string()]),
            ..CompletionOptions::default()
        }),
        code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(false) }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: features::COMMANDS.iter().map(|(c, _)| c.to_string()).collect(),
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// An open document: its latest analysis, and the latest one that parsed (names for
/// completion while the text is broken).
struct Doc {
    now: Arc<Analysis>,
    parsed: Option<Arc<Analysis>>,
}

/// The server's state: the open documents by URI.
#[derive(Default)]
struct Server {
    docs: HashMap<String, Doc>,
}

/// Runs the server on a connection until the client says `exit` (or the connection
/// closes). The error is a protocol error, in words.
pub fn serve(conn: &Connection) -> Result<(), String> {
    let caps = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    let (id, _params) = conn.initialize_start().map_err(|e| e.to_string())?;
    let info = ServerInfo { name: "herald".to_string(), version: Some(env!("CARGO_PKG_VERSION").to_string()) };
    conn.initialize_finish(id, serde_json::json!({ "capabilities": caps, "serverInfo": info }))
        .map_err(|e| e.to_string())?;
    let mut server = Server::default();
    let mut shut_down = false;
    for msg in &conn.receiver {
        match msg {
            Message::Request(req) => {
                // After `shutdown`, only `exit` (some clients, Neovim 0.7's, send `shutdown`
                // twice: each is answered).
                if req.method == "shutdown" {
                    shut_down = true;
                    let _ = conn.sender.send(Response::new_ok(req.id, ()).into());
                } else if shut_down {
                    let resp = Response::new_err(req.id, ErrorCode::InvalidRequest as i32, "shut down".to_string());
                    let _ = conn.sender.send(resp.into());
                } else {
                    server.request(conn, req);
                }
            }
            Message::Notification(n) => {
                if n.method == "exit" {
                    return Ok(());
                }
                let out = catch_unwind(AssertUnwindSafe(|| server.notification(n)));
                for m in out.unwrap_or_default() {
                    let _ = conn.sender.send(m);
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

/// A request's parameters, or the error to answer.
fn params<P: serde::de::DeserializeOwned>(req: &Request) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(req.params.clone()).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn to_value<T: serde::Serialize>(v: T) -> Result<Value, (ErrorCode, String)> {
    serde_json::to_value(v).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

impl Server {
    fn request(&mut self, conn: &Connection, req: Request) {
        let id = req.id.clone();
        if req.method == ExecuteCommand::METHOD {
            self.execute(conn, req);
            return;
        }
        let result = catch_unwind(AssertUnwindSafe(|| self.answer(&req)))
            .unwrap_or_else(|_| Err((ErrorCode::InternalError, format!("herald lsp: {} failed", req.method))));
        let resp = match result {
            Ok(v) => Response::new_ok(id, v),
            Err((code, msg)) => Response::new_err(id, code as i32, msg),
        };
        let _ = conn.sender.send(resp.into());
    }

    /// The analysis of a document and the byte offset of a position in it.
    fn doc(&self, uri: &Uri) -> Result<&Doc, (ErrorCode, String)> {
        self.docs
            .get(uri.as_str())
            .ok_or_else(|| (ErrorCode::InvalidParams, format!("herald lsp: {} is not open", uri.as_str())))
    }

    fn answer(&self, req: &Request) -> Result<Value, (ErrorCode, String)> {
        let locations = |uri: &Uri, a: &Analysis, spans: Vec<crate::diag::Span>| -> Vec<Location> {
            spans.into_iter().map(|s| Location { uri: uri.clone(), range: a.lines.range(&a.text, s) }).collect()
        };
        match req.method.as_str() {
            HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = params(req)?;
                let tp = p.text_document_position_params;
                let a = &self.doc(&tp.text_document.uri)?.now;
                to_value(features::hover(a, a.lines.offset(&a.text, tp.position)))
            }
            GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = params(req)?;
                let tp = p.text_document_position_params;
                let a = &self.doc(&tp.text_document.uri)?.now;
                let spans = features::definition(a, a.lines.offset(&a.text, tp.position));
                if spans.is_empty() {
                    return Ok(Value::Null);
                }
                to_value(GotoDefinitionResponse::Array(locations(&tp.text_document.uri, a, spans)))
            }
            References::METHOD => {
                let p: lsp_types::ReferenceParams = params(req)?;
                let tp = p.text_document_position;
                let a = &self.doc(&tp.text_document.uri)?.now;
                let spans =
                    features::references(a, a.lines.offset(&a.text, tp.position), p.context.include_declaration);
                to_value(locations(&tp.text_document.uri, a, spans))
            }
            DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = params(req)?;
                let a = &self.doc(&p.text_document.uri)?.now;
                to_value(DocumentSymbolResponse::Nested(features::symbols(a)))
            }
            FoldingRangeRequest::METHOD => {
                let p: lsp_types::FoldingRangeParams = params(req)?;
                to_value(features::folding(&self.doc(&p.text_document.uri)?.now))
            }
            Formatting::METHOD => {
                let p: lsp_types::DocumentFormattingParams = params(req)?;
                let a = &self.doc(&p.text_document.uri)?.now;
                match features::formatting(a) {
                    Ok(edits) => to_value(edits),
                    Err(msg) => Err((ErrorCode::RequestFailed, msg)),
                }
            }
            Completion::METHOD => {
                let p: lsp_types::CompletionParams = params(req)?;
                let tp = p.text_document_position;
                let d = self.doc(&tp.text_document.uri)?;
                let a = &d.now;
                let names = if a.file.is_some() { &a.index } else { d.parsed.as_ref().map_or(&a.index, |p| &p.index) };
                let items = completion::complete(a, names, a.lines.offset(&a.text, tp.position));
                to_value(CompletionResponse::Array(items))
            }
            CodeLensRequest::METHOD => {
                let p: lsp_types::CodeLensParams = params(req)?;
                let a = &self.doc(&p.text_document.uri)?.now;
                to_value(features::code_lenses(a, p.text_document.uri.as_str()))
            }
            other => Err((ErrorCode::MethodNotFound, format!("herald lsp does not answer {other}"))),
        }
    }

    /// Opens, changes and closes documents; the diagnostics to publish.
    fn notification(&mut self, n: Notification) -> Vec<Message> {
        let (uri, version, text) = match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params) else {
                    return vec![];
                };
                (p.text_document.uri, Some(p.text_document.version), Some(p.text_document.text))
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params) else {
                    return vec![];
                };
                // Full synchronisation: the last change is the whole text.
                let Some(change) = p.content_changes.into_iter().last() else {
                    return vec![];
                };
                (p.text_document.uri, Some(p.text_document.version), Some(change.text))
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params) else {
                    return vec![];
                };
                (p.text_document.uri, None, None)
            }
            _ => return vec![],
        };
        let diagnostics = match text {
            Some(text) => {
                let a = Arc::new(Analysis::new(&text));
                let diags = a.lsp_diagnostics(&uri);
                let parsed = if a.file.is_some() {
                    Some(a.clone())
                } else {
                    self.docs.get(uri.as_str()).and_then(|d| d.parsed.clone())
                };
                self.docs.insert(uri.as_str().to_string(), Doc { now: a, parsed });
                diags
            }
            None => {
                self.docs.remove(uri.as_str());
                vec![]
            }
        };
        let params = PublishDiagnosticsParams { uri, diagnostics, version };
        vec![Message::Notification(Notification::new(PublishDiagnostics::METHOD.to_string(), params))]
    }

    /// `workspace/executeCommand`: runs a command of the code lenses on an open document in
    /// a thread of its own (a long exploration does not hold up the editor), and answers
    /// `{ title, language, content, exitCode }`: the command line's output.
    fn execute(&self, conn: &Connection, req: Request) {
        let id = req.id.clone();
        let prepared = params::<lsp_types::ExecuteCommandParams>(&req).and_then(|p| {
            let uri = match p.arguments.first() {
                Some(Value::String(u)) => u.clone(),
                _ => {
                    return Err((
                        ErrorCode::InvalidParams,
                        "herald lsp: the command's argument is a document's URI".into(),
                    ));
                }
            };
            let extra: Vec<String> = p.arguments[1..].iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
            let doc = self
                .docs
                .get(&uri)
                .ok_or_else(|| (ErrorCode::InvalidParams, format!("herald lsp: {uri} is not open")))?;
            Ok((p.command, uri, extra, doc.now.text.clone()))
        });
        let sender = conn.sender.clone();
        let answer = move |id: RequestId, r: Result<Value, (ErrorCode, String)>| {
            let resp = match r {
                Ok(v) => Response::new_ok(id, v),
                Err((code, msg)) => Response::new_err(id, code as i32, msg),
            };
            let _ = sender.send(resp.into());
        };
        match prepared {
            Err(e) => answer(id, Err(e)),
            Ok((command, uri, extra, text)) => {
                std::thread::spawn(move || {
                    let r = catch_unwind(|| run_command(&command, &uri, &extra, &text))
                        .unwrap_or_else(|_| Err((ErrorCode::InternalError, format!("herald lsp: {command} failed"))));
                    answer(id, r);
                });
            }
        }
    }
}

/// Every feature of the server on a text, at `points` offsets spread over it (and past
/// its end), with what must hold of the answers: positions turn back into the offsets
/// they came from (on character boundaries), ranges run forwards, and the diagnostics
/// are those of [`crate::load`]. For the fuzz harness (`fuzz/src/checks.rs`) and the
/// tests; panics when something does not hold.
pub fn exercise(text: &str, points: usize) {
    let a = Analysis::new(text);
    let uri: Uri = "file:///fuzz.herald".parse().expect("a URI");
    let diags = a.lsp_diagnostics(&uri);
    let loaded = match crate::load("fuzz.herald", text.as_bytes(), &[]) {
        Ok(l) => l.warnings,
        Err(f) => f.diags,
    };
    let codes = |ds: &[crate::diag::Diag]| ds.iter().map(|d| d.code).collect::<Vec<_>>();
    assert_eq!(codes(&a.diags), codes(&loaded), "the server's diagnostics are herald check's");
    for d in &diags {
        assert!(d.range.start <= d.range.end, "a diagnostic's range runs forwards: {d:?}");
    }
    let _ = features::symbols(&a);
    let _ = features::folding(&a);
    let _ = features::formatting(&a);
    let _ = features::code_lenses(&a, uri.as_str());
    let step = (a.text.len() / points.max(1)).max(1);
    let mut at = 0;
    while at <= a.text.len() + 1 {
        let _ = features::hover(&a, at);
        for s in features::definition(&a, at).into_iter().chain(features::references(&a, at, true)) {
            assert!(s.start <= s.end && s.end as usize <= a.text.len(), "a location inside the text");
        }
        let _ = completion::complete(&a, &a.index, at);
        let p = a.lines.position(&a.text, at);
        let back = a.lines.offset(&a.text, p);
        assert!(back <= a.text.len() && a.text.is_char_boundary(back), "a position's offset is a boundary");
        // (Between the CR and the LF of a CRLF is no position of LSP's.)
        if at <= a.text.len() && a.text.is_char_boundary(at) && !a.text[..at].ends_with('\r') {
            assert_eq!(back, at, "an offset's position turns back into it");
        }
        at += step;
    }
}

/// A document's file name, as reports show it: the last part of its URI's path, decoded.
pub fn file_name(uri: &str) -> String {
    let path = uri.split(['?', '#']).next().unwrap_or(uri);
    let last = path.rsplit('/').next().unwrap_or("");
    let bytes = last.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(h) = last.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(h, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    let name = String::from_utf8_lossy(&out).into_owned();
    if name.is_empty() || name == "-" || name.starts_with('-') { "scenario.herald".to_string() } else { name }
}

/// Runs one of [`features::COMMANDS`] on a document's text, as the command line would.
pub fn run_command(command: &str, uri: &str, extra: &[String], text: &str) -> Result<Value, (ErrorCode, String)> {
    let name = file_name(uri);
    let (args, language): (Vec<&str>, &str) = match command {
        "herald.run" => (vec!["run", &name], "text"),
        "herald.explore" => (vec!["explore", &name], "text"),
        "herald.mermaid" => (vec!["run", &name, "--format", "mermaid"], "mermaid"),
        other => return Err((ErrorCode::InvalidParams, format!("herald lsp: no command {other}"))),
    };
    let files = crate::cli::Memory::new(Vec::new()).with(&name, text.as_bytes().to_vec());
    let env = crate::cli::Env::plain(&files);
    let mut argv = vec!["herald"];
    argv.extend(args.iter().copied());
    argv.extend(extra.iter().map(String::as_str));
    let out = crate::cli::run_args(argv.clone(), &env);
    let content: String = out.chunks.iter().map(|(_, t)| t.as_str()).collect();
    Ok(serde_json::json!({
        "title": argv.join(" "),
        "language": if out.code == crate::cli::EXIT_OK { language } else { "text" },
        "content": content,
        "exitCode": out.code,
    }))
}

#[cfg(test)]
mod tests;
