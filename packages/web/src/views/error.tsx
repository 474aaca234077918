import { Layout } from "./layout";

export function ErrorPage(props: { status: number; message: string }) {
  const title = props.status === 404 ? "Not found" : props.status >= 500 ? "Something went wrong" : "This did not work";
  return (
    <Layout title={title}>
      <h1>{title}</h1>
      <p class="notice-box">{props.message}</p>
      <p>
        <a href="/">Back to the start</a>
      </p>
    </Layout>
  );
}
