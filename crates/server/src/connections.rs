//! Accepting connections and serving HTTP/1.1 on each, with the time
//! limits a server on a payment path needs: a client that opens a
//! connection and trickles its request's head, or sends none, is cut off
//! after `Config::header_timeout` instead of holding a connection (and a
//! file descriptor) for as long as it likes. The body has its own limit
//! (`Config::body_timeout`, see `extract::read_body`).

use std::pin::pin;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};

/// Serves `app` on every connection `listener` accepts until `stop` fires;
/// then stops accepting, lets each connection finish the request it is
/// in, and returns once all have closed (or after [`DRAIN_DEADLINE`]). A
/// request's head must arrive within `header_timeout` of the server
/// starting to read it; hyper starts reading the next head as soon as an
/// answer is sent, so it is also how long a kept-alive connection may idle.
pub async fn serve(listener: TcpListener, app: Router, header_timeout: Duration, stop: oneshot::Receiver<()>) {
    // Every connection holds a receiver of `closing`: a value sent asks
    // them to finish, and `closed()` says when the last has gone.
    let (closing, watching) = watch::channel(());
    let mut stop = pin!(stop);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, say: wait rather than spin. A
                // connection that failed before it was accepted is the
                // client's affair.
                Err(e) if is_the_connections_own(&e) => continue,
                Err(_) => {
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_millis(100)) => continue,
                        _ = &mut stop => break,
                    }
                }
            },
            _ = &mut stop => break,
        };
        let service = TowerToHyperService::new(app.clone());
        let mut watching = watching.clone();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(header_timeout);
            let mut connection = pin!(builder.serve_connection(TokioIo::new(stream), service).with_upgrades());
            let mut finishing = false;
            loop {
                tokio::select! {
                    _ = connection.as_mut() => break,
                    _ = watching.changed(), if !finishing => {
                        finishing = true;
                        connection.as_mut().graceful_shutdown();
                    }
                }
            }
        });
    }
    drop(listener);
    drop(watching);
    let _ = closing.send(());
    // A client that stops reading its answer would hold its connection, and
    // the stop, for good: the drain has a deadline.
    let _ = tokio::time::timeout(DRAIN_DEADLINE, closing.closed()).await;
}

/// How long a stop waits for connections to finish their requests.
const DRAIN_DEADLINE: Duration = Duration::from_secs(30);

fn is_the_connections_own(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionRefused
    )
}
