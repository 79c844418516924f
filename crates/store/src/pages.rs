//! Paginated, filtered queries for the web app's pages (in progress).
